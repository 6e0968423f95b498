import { verify } from "./cli.js";

/**
 * The entry of the registry's one-file verifier, agora-verify.mjs: `node agora-verify.mjs BUNDLE.json
 * [--card CARD_ID] [--card-proof CARD_PROOF.json] [--key KEY.pem]`. The server bundles it with
 * everything it imports (server/services/verifier.server.ts), so it needs nothing but Node.
 */
process.exitCode = await verify(process.argv.slice(2), "node agora-verify.mjs");
