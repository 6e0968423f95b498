#!/usr/bin/env node
// `agora verify BUNDLE.json [--card CARD_ID] [--card-proof CARD_PROOF.json] [--key REGISTRY_KEY.pem]`: checks a ruling's provenance
// bundle offline. The code is TypeScript (verify/cli.ts), loaded through tsx, a dependency of Agora.
import { register } from "tsx/esm/api";

register();
const { main } = await import("../verify/cli.ts");
process.exitCode = await main(process.argv.slice(2));
