import { createHash } from "node:crypto";
import { basename, join } from "node:path";
import { pathToFileURL } from "node:url";
import type { Plugin } from "esbuild";
import { lockStream } from "../../db/repos/ledger.js";
import { utf8 } from "../../deliberation/bytes.js";
import { canonicalJson, POLITY_STREAM } from "../../deliberation/ledger.js";
import { LOG_NAME } from "../../deliberation/transparency/checkpoint.js";
import { leafHash } from "../../deliberation/transparency/merkle.js";
import type { AppDeps } from "./deps.server.js";
import { withLedger } from "./ledger.server.js";
import { appendLogLeaf, LOG_STREAM } from "./registry-log.server.js";

/**
 * The verifier anyone can get (issue 17.4): the registry serves `agora verify` as one dependency-free
 * ES module, /agora-verify.mjs, bundled by esbuild from verify/standalone.ts, which runs the very
 * `verifyEnvelope` of the ruling page's panel and of `agora verify` (decision 9). It is built on the
 * first request, in memory, from the same sources every process has, so every process serves the same
 * bytes. Its SHA-256 is served beside it (/agora-verify.mjs.sha256, as `sha256sum` writes it) and
 * recorded in the transparency log, with a polity ledger event naming the leaf, the first time a
 * process serves a build the log does not hold yet.
 */

export const VERIFIER_FILE = "agora-verify.mjs";
const EVENT = "registry.verifierPublished";

export interface VerifierFile {
  bytes: Uint8Array;
  sha256: string;
}

/** Only the verifier's own messages go into the file: the catalogues are cut to their `verify.*` keys at build time. */
function verifierMessagesOnly(): Plugin {
  return {
    name: "agora-verify-messages",
    setup(build) {
      build.onLoad({ filter: /app[\\/]i18n[\\/][a-z]{2}\.ts$/ }, async (args) => {
        const name = basename(args.path, ".ts");
        const catalogue = (await import(pathToFileURL(args.path).href))[name] as Record<string, string>;
        const kept = Object.fromEntries(Object.entries(catalogue).filter(([key]) => key.startsWith("verify.")));
        return { contents: `export const ${name} = ${JSON.stringify(kept, null, 1)};\n`, loader: "js" };
      });
    },
  };
}

/** Bundles verify/standalone.ts and all it imports into one ES module for Node, with nothing left to install. */
export async function buildVerifier(root: string): Promise<VerifierFile> {
  const esbuild = await import("esbuild");
  const result = await esbuild.build({
    absWorkingDir: root,
    entryPoints: [join(root, "verify/standalone.ts")],
    bundle: true,
    write: false,
    format: "esm",
    platform: "node",
    target: "node20",
    // Node's own modules stay imports; every package is inside the file.
    external: ["node:*"],
    legalComments: "inline",
    banner: {
      js: `// ${VERIFIER_FILE}: the Agora registry's verifier, one file with no dependencies. Run: node ${VERIFIER_FILE} bundle.json (Node 20 or newer).`,
    },
    plugins: [verifierMessagesOnly()],
    logLevel: "silent",
  });
  const bytes = result.outputFiles[0]!.contents;
  return { bytes, sha256: createHash("sha256").update(bytes).digest("hex") };
}

/**
 * Records a build's SHA-256 in the log, unless the newest record already names it: a leaf with the
 * canonical JSON of {log, act: "verifier", file, sha256, at}, under a new checkpoint, and a polity
 * event saying so. Under the log's lock, so processes serving the same build record it once.
 */
export async function recordVerifier(deps: AppDeps, sha256: string): Promise<{ leafIndex: number | null }> {
  return withLedger(deps, async (trx, append) => {
    await lockStream(trx, LOG_STREAM);
    const newest = await trx
      .selectFrom("ledgerEvents")
      .select("payload")
      .where("matterId", "=", POLITY_STREAM)
      .where("type", "=", EVENT)
      .orderBy("seq", "desc")
      .limit(1)
      .executeTakeFirst();
    const recorded = newest ? (JSON.parse(newest.payload) as { sha256?: string; leafIndex?: number }) : null;
    if (recorded?.sha256 === sha256) return { leafIndex: recorded.leafIndex ?? null };
    const at = deps.clock.now().toISOString();
    const record = { log: LOG_NAME, act: "verifier", file: VERIFIER_FILE, sha256, at };
    // A leaf that is no ruling's: its ruling_id names the file instead.
    const { leafIndex, checkpoint } = await appendLogLeaf(trx, deps.config.signingKey, leafHash(utf8(canonicalJson(record))), VERIFIER_FILE, at);
    await append({
      matterId: POLITY_STREAM,
      type: EVENT,
      actor: "agora:registry",
      payload: { ...record, leafIndex, checkpoint: { size: checkpoint.size, root: checkpoint.root } },
    });
    return { leafIndex };
  });
}

/**
 * What the server serves: the build (once per process) and, until it is in the log, another try at
 * recording it with each request (a database that is away must not keep the file from anyone).
 */
export function verifierSource(deps: AppDeps, root: string, report: (error: unknown) => void) {
  let built: Promise<VerifierFile> | null = null;
  let recorded = false;
  return async (): Promise<VerifierFile> => {
    built ??= buildVerifier(root).catch((error) => {
      built = null;
      throw error;
    });
    const file = await built;
    if (!recorded) {
      try {
        await recordVerifier(deps, file.sha256);
        recorded = true;
      } catch (error) {
        report(error);
      }
    }
    return file;
  };
}
