import { TRPCError } from "@trpc/server";
import { describe, expect, it } from "vitest";
import { api, attempt } from "../../app/utils/api.server.js";

/** What a page's loader or action meets when PostgreSQL ends its connection, or no connection is free. */
const terminated = () =>
  new TRPCError({
    code: "INTERNAL_SERVER_ERROR",
    cause: Object.assign(new Error("terminating connection due to administrator command"), { code: "57P01" }),
  });
const poolTimeout = () => new Error("timeout exceeded when trying to connect");
const request = new Request("https://agora.example.ee/values");

async function thrown(promise: Promise<unknown>): Promise<Response> {
  const error = await promise.then(
    () => null,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(Response);
  return error as Response;
}

describe("a page whose call finds the database away", () => {
  it("answers 503 with when to ask again, in the person's language, not a 500", async () => {
    for (const [locale, words] of [
      ["en", "cannot reach its database"],
      ["et", "andmebaasiga"],
      ["ru", "базой данных"],
    ] as const) {
      const response = await thrown(api(request, () => Promise.reject(terminated()), locale));
      expect(response.status).toBe(503);
      expect(response.headers.get("retry-after")).toBe("5");
      expect(await response.text()).toContain(words);
    }
    expect((await thrown(api(request, () => Promise.reject(poolTimeout())))).status).toBe(503);
  });

  it("an action's call too: a 503, never a form error nor a 500", async () => {
    expect((await thrown(attempt(request, () => Promise.reject(terminated())))).status).toBe(503);
  });

  it("any other failure stays what it was", async () => {
    const response = await thrown(api(request, () => Promise.reject(new TRPCError({ code: "INTERNAL_SERVER_ERROR", cause: new Error("a bug") }))));
    expect(response.status).toBe(500);
    expect((await thrown(api(request, () => Promise.reject(new TRPCError({ code: "NOT_FOUND", message: "No such matter." }))))).status).toBe(404);
  });
});
