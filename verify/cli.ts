import { readFileSync } from "node:fs";
import { translator } from "../app/i18n/translate.js";
import { negotiateLocale } from "../app/i18n/locales.js";
import { verifyEnvelope } from "../deliberation/provenance.js";

const USAGE = "usage: agora verify BUNDLE.json [--card CARD_ID] [--key REGISTRY_KEY.pem]";

/**
 * The `agora` command. Returns the exit code: 0 when every check passes, 1 when one fails, 2 for bad
 * usage. It speaks the language of LANG when Agora has it (English otherwise).
 */
export async function main(args: string[]): Promise<number> {
  const [command, file, ...rest] = args;
  if (command !== "verify" || !file) {
    console.error(USAGE);
    return 2;
  }
  const t = translator(negotiateLocale(null, (process.env.LC_ALL || process.env.LANG || "").slice(0, 2)));
  const option = (name: string) => {
    const at = rest.indexOf(name);
    return at >= 0 ? rest[at + 1] : undefined;
  };
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(file, "utf8"));
  } catch (error) {
    console.error(t("verify.unreadable", { reason: error instanceof Error ? error.message : String(error) }));
    return 1;
  }
  const keyFile = option("--key");
  const cardId = option("--card");
  const verdict = verifyEnvelope(raw, { ...(keyFile ? { publicKey: readFileSync(keyFile, "utf8") } : {}), ...(cardId ? { cardId } : {}) });
  for (const check of verdict.checks) console.log(`${check.ok ? "ok  " : "FAIL"} ${check.name.padEnd(8)} ${t(check.code, check.params)}`);
  if (!keyFile) console.log(`note     ${t("verify.keyNote")}`);
  console.log(t(verdict.ok ? "verify.verified" : "verify.notVerified"));
  return verdict.ok ? 0 : 1;
}
