/**
 * The server for `npm run bench -- room`, in a process of its own: the demo polity plus delegates up to
 * BENCH_DELEGATES, a convened fixture matter whose deliberation has run (offline engine), listening on
 * an ephemeral port. Prints {"url", "matterId"} on stdout. Told `{stream: n}` (IPC), it streams a
 * fragment of each of n speakers every 40 ms as the runner does, until told `{stream: 0}`, and answers
 * `{streamed}` with how many fragments it sent; each starts with its speaker's running number and "|".
 */
import { randomUUID } from "node:crypto";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { grantRoles, insertUser } from "../db/repos/users.js";
import { DEMO_PASSWORD, seedDemoPolity } from "../db/seed.js";
import { createAgoraServer } from "../server/app.server.js";
import { hashPassword } from "../server/auth/password.server.js";
import { loadConfig } from "../server/env.server.js";
import { startDeliberation } from "../server/services/deliberation.server.js";
import { conveneFixture } from "../tests/fixtures/deliberation.js";

const DELEGATES = Number(process.env.BENCH_DELEGATES ?? 101);
const dir = mkdtempSync(join(tmpdir(), "agora-bench-room-"));
const config = loadConfig({ DATA_DIR: dir, NODE_ENV: "test", AGORA_SCRYPT_LOG_N: "10", HOST: "127.0.0.1" } as NodeJS.ProcessEnv);
const server = await createAgoraServer(config, { remix: "none" });
const { db } = server.deps;
const now = () => new Date().toISOString();
await seedDemoPolity(db, { hashPassword: (p) => hashPassword(p, 10), now, ids: randomUUID });
const hash = await hashPassword(DEMO_PASSWORD, 10);
await db.transaction().execute(async (trx) => {
  for (let i = 6; i <= DELEGATES; i++) {
    const id = randomUUID();
    await insertUser(trx, {
      id,
      email: `delegate${i}@demo.agora`,
      passwordHash: hash,
      displayName: `Delegate ${i}`,
      citizenId: null,
      locale: "en",
      createdAt: now(),
    });
    await grantRoles(trx, id, ["delegate"], "system:bench", now());
  }
});
const { matterId } = await conveneFixture(db, { representatives: 6, candidates: 3, rounds: 1, approvalThreshold: 0.5 });
await startDeliberation(server.deps, { id: "bench-clerk", email: "", displayName: "Clerk", locale: "en", citizenId: null, roles: ["clerk"] }, matterId);
await server.deps.deliberations.settled(matterId);
const port = await server.listen(0, "127.0.0.1");
process.stdout.write(`${JSON.stringify({ url: `http://127.0.0.1:${port}`, matterId })}\n`);
const STREAM_MS = 40;
let streaming: NodeJS.Timeout | null = null;
let streamed = 0;
process.on("message", ({ stream }: { stream: number }) => {
  if (streaming) clearInterval(streaming);
  streaming = null;
  if (stream === 0) return process.send!({ streamed });
  const said = Array.from({ length: stream }, () => 0);
  streaming = setInterval(() => {
    for (let k = 0; k < stream; k++) {
      const fragment = `${said[k]!++}|and so the position of this representative goes on, `;
      server.realtime.transcript({ matterId, key: `bench-${k}`, speaker: { task: "position", representativeId: `r${k}` }, fragment });
      streamed++;
    }
  }, STREAM_MS);
});
// Exit cleanly when the bench is done (so a --cpu-prof profile is written).
process.on("SIGINT", () => process.exit(0));
