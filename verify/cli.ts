import { readFileSync } from "node:fs";
import { negotiateLocale } from "../app/i18n/locales.js";
import { translator } from "../app/i18n/translate.js";
import { pemBody } from "../deliberation/bytes.js";
import { verifyEnvelope } from "../deliberation/provenance.js";

/** The language of LANG (or LC_ALL) when Agora has it, English otherwise. */
function cliTranslator() {
  return translator(negotiateLocale(null, (process.env.LC_ALL || process.env.LANG || "").slice(0, 2)));
}

/**
 * A bundle's own text (a constituency's label, a title) on its way to a terminal: control characters,
 * and the format characters that reorder text (bidirectional overrides), are shown escaped, so a
 * crafted bundle cannot move the cursor, erase the real verdict or print a fake one.
 */
export function printable(text: string): string {
  return text.replace(
    /[\u0000-\u001f\u007f-\u009f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g,
    (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`,
  );
}

/**
 * The `agora` command of a checkout (bin/agora.mjs): `agora verify BUNDLE.json …`. Returns the exit code
 * as `verify` does.
 */
export async function main(args: string[]): Promise<number> {
  const [command, ...rest] = args;
  if (command !== "verify") {
    console.error(cliTranslator()("verify.usage", { command: "agora verify" }));
    return 2;
  }
  return verify(rest, "agora verify");
}

/**
 * Checks a bundle file: `BUNDLE.json [--card CARD_ID] [--card-proof CARD_PROOF.json] [--key KEY.pem]`.
 * What the registry's one-file verifier runs (verify/standalone.ts) and `agora verify` alike. Returns
 * the exit code: 0 when every check passes, 1 when one fails, 2 for bad usage. It speaks the language
 * of LANG when Agora has it (English otherwise), and states the ruling's status as of now.
 */
export async function verify(args: string[], command: string): Promise<number> {
  const [file, ...rest] = args;
  const t = cliTranslator();
  if (!file || file.startsWith("--")) {
    console.error(t("verify.usage", { command }));
    return 2;
  }
  const option = (name: string) => {
    const at = rest.indexOf(name);
    return at >= 0 ? rest[at + 1] : undefined;
  };
  const read = (path: string): string | null => {
    try {
      return readFileSync(path, "utf8");
    } catch (error) {
      console.error(t("verify.noFile", { file: path, reason: error instanceof Error ? error.message : String(error) }));
      return null;
    }
  };
  const text = read(file);
  if (text === null) return 2;
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (error) {
    console.error(t("verify.unreadable", { reason: error instanceof Error ? error.message : String(error) }));
    return 1;
  }
  const keyFile = option("--key");
  const key = keyFile ? read(keyFile) : undefined;
  if (key === null) return 2;
  if (keyFile && key !== undefined && !pemBody(key)) {
    console.error(t("verify.badKey", { file: keyFile }));
    return 2;
  }
  const cardId = option("--card");
  // A version 2 bundle counts the cards behind each mandate value: her card is checked with its proof,
  // the file she downloaded signed in (/api/rulings/{id}/card-proof.json?card=…).
  const proofFile = option("--card-proof");
  const proofText = proofFile ? read(proofFile) : undefined;
  if (proofText === null) return 2;
  let cardProof: unknown;
  if (proofText !== undefined) {
    try {
      cardProof = JSON.parse(proofText);
    } catch (error) {
      console.error(t("verify.unreadable", { reason: error instanceof Error ? error.message : String(error) }));
      return 1;
    }
  }
  const verdict = verifyEnvelope(raw, {
    ...(key ? { publicKey: key } : {}),
    ...(cardId ? { cardId } : {}),
    ...(cardProof !== undefined ? { cardProof } : {}),
    now: new Date(),
  });
  for (const check of verdict.checks) {
    const params = Object.fromEntries(Object.entries(check.params).map(([name, value]) => [name, typeof value === "string" ? printable(value) : value]));
    // The first two columns stay as they are in every language, for scripts; the finding is translated.
    console.log(`${check.ok ? "ok  " : "FAIL"} ${check.name.padEnd(8)} ${t(check.code, params)}`);
  }
  if (!keyFile) console.log(`         ${t("verify.keyNote")}`);
  console.log(t(verdict.ok ? "verify.verified" : "verify.notVerified"));
  return verdict.ok ? 0 : 1;
}
