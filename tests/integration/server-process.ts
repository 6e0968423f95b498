/**
 * One Agora server process, as `npm start` runs it minus the Remix build and the seed: the test that
 * starts it has migrated and seeded the database already. Configured from the environment like any
 * deployment (DATABASE_URL, AGORA_INSTANCE, OPENAI_BASE_URL, …). Prints `listening <port> <runner>` once
 * it serves, and closes on SIGTERM. Used by the cluster and database-outage tests.
 */
import { createAgoraServer, installProcessGuards } from "../../server/app.server.js";
import { loadConfig } from "../../server/env.server.js";

installProcessGuards();
const config = loadConfig({ ...process.env, NODE_ENV: "test" });
const server = await createAgoraServer(config, { remix: "none" });
const port = await server.listen(0, "127.0.0.1");
process.stdout.write(`listening ${port} ${server.deps.deliberations.holder}\n`);
process.once("SIGTERM", () => {
  server.close().then(
    () => process.exit(0),
    (error: unknown) => {
      console.error("[server-process] close failed:", error);
      process.exit(1);
    },
  );
});
