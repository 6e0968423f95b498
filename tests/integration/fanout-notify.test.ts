import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { coalescingNotify } from "../../server/realtime/fanout.server.js";
import { dialects } from "../support/database.js";
import { waitFor } from "../support/wait.js";

/**
 * The fan-out's publishing connection (decision 24): messages asked for while a notification is under
 * way go together in the next query, in order, and none is lost, an identical one included (PostgreSQL
 * drops a notification identical to one already sent in the same transaction).
 */
const BASE_URL = process.env.TEST_DATABASE_URL;
const wanted = dialects().includes("postgres");

describe.runIf(wanted && BASE_URL)("notifications from the fan-out's publishing connection", () => {
  let pool: pg.Pool;
  let listener: pg.Client;
  const channel = `agora-notify-test-${process.pid}`;
  const received: string[] = [];
  const queries: string[] = [];

  beforeAll(async () => {
    listener = new pg.Client({ connectionString: BASE_URL });
    await listener.connect();
    listener.on("notification", (message) => {
      if (message.channel === channel) received.push(message.payload ?? "");
    });
    await listener.query(`LISTEN "${channel}"`);
    pool = new pg.Pool({ connectionString: BASE_URL, max: 1 });
    pool.on("connect", (client) => {
      const query = client.query.bind(client) as (...args: unknown[]) => unknown;
      (client as unknown as { query: (...args: unknown[]) => unknown }).query = (...args: unknown[]) => {
        if (typeof args[0] === "string") queries.push(args[0]);
        return query(...args);
      };
    });
  });

  afterAll(async () => {
    await pool?.end();
    await listener?.end();
  });

  it("a burst goes in fewer queries, every message delivered once and in the order asked, identical ones too", async () => {
    const notify = coalescingNotify(pool);
    const payloads = Array.from({ length: 40 }, (_, i) => (i === 20 || i === 21 ? "the same words" : `message ${i}`));
    await Promise.all(payloads.map((payload) => notify("SELECT pg_notify($1, $2)", [channel, payload])));
    await waitFor(async () => (received.length >= payloads.length ? true : null), "every notification");
    expect(received).toEqual(payloads);
    const notifies = queries.filter((q) => q.includes("pg_notify"));
    // The first goes alone; the others wait for it and go together, but for the repeated words, which start a batch of their own.
    expect(notifies.length).toBe(3);
    // Anything else is passed through as it is.
    const { rows } = (await notify("SELECT 1 AS one")) as { rows: { one: number }[] };
    expect(rows).toEqual([{ one: 1 }]);
  });
});
