import { readFileSync } from "node:fs";
import { verifyEnvelope } from "../deliberation/provenance.js";

const USAGE = "usage: agora verify BUNDLE.json [--card CARD_ID] [--key REGISTRY_KEY.pem]";

/** The `agora` command. Returns the exit code: 0 when every check passes, 1 when one fails, 2 for bad usage. */
export async function main(args: string[]): Promise<number> {
  const [command, file, ...rest] = args;
  if (command !== "verify" || !file) {
    console.error(USAGE);
    return 2;
  }
  const option = (name: string) => {
    const at = rest.indexOf(name);
    return at >= 0 ? rest[at + 1] : undefined;
  };
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(file, "utf8"));
  } catch (error) {
    console.error(`cannot read ${file} as JSON: ${error instanceof Error ? error.message : String(error)}`);
    return 1;
  }
  const keyFile = option("--key");
  const cardId = option("--card");
  const verdict = verifyEnvelope(raw, { ...(keyFile ? { publicKey: readFileSync(keyFile, "utf8") } : {}), ...(cardId ? { cardId } : {}) });
  for (const check of verdict.checks) console.log(`${check.ok ? "ok  " : "FAIL"} ${check.name.padEnd(8)} ${check.detail}`);
  if (!keyFile) console.log("note     the registry's key was taken from the bundle; pass --key with the key the registry publishes to pin it.");
  console.log(verdict.ok ? "VERIFIED" : "NOT VERIFIED");
  return verdict.ok ? 0 : 1;
}
