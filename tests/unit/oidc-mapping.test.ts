import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { openFlow, personalCodeFrom, sealFlow } from "../../server/auth/oidc.server.js";
import { loadConfig } from "../../server/env.server.js";

const DEFAULT = { claim: "sub", claimPattern: "^[A-Z]{2}(.+)$" };
const SECRET = "a session secret of at least thirty-two characters";

describe("the claim that names a person, mapped to the registry's personal code", () => {
  it("strips TARA's country prefix by default, and any other two-letter one", () => {
    expect(personalCodeFrom({ sub: "EE38001085718" }, DEFAULT)).toBe("38001085718");
    expect(personalCodeFrom({ sub: "LV01018012345" }, DEFAULT)).toBe("01018012345");
  });

  it("finds nobody in a claim without the form, or without the claim", () => {
    expect(personalCodeFrom({ sub: "38001085718" }, DEFAULT)).toBeNull();
    expect(personalCodeFrom({ sub: "EE" }, DEFAULT)).toBeNull();
    expect(personalCodeFrom({}, DEFAULT)).toBeNull();
    expect(personalCodeFrom({ sub: { code: "EE1" } }, DEFAULT)).toBeNull();
  });

  it("follows the configuration: Estonian codes only, another claim, a claim taken whole", () => {
    const estonian = { claim: "sub", claimPattern: "^EE(\\d{11})$" };
    expect(personalCodeFrom({ sub: "EE38001085718" }, estonian)).toBe("38001085718");
    expect(personalCodeFrom({ sub: "LT38001085718" }, estonian)).toBeNull();
    const whole = { claim: "personal_code", claimPattern: "^\\d+$" };
    expect(personalCodeFrom({ sub: "x", personal_code: "38001085718" }, whole)).toBe("38001085718");
    expect(personalCodeFrom({ personal_code: 38001085718 }, whole)).toBe("38001085718");
  });
});

describe("the sealed flow cookie", () => {
  const flow = {
    state: "state-of-the-flow",
    nonce: "nonce-of-the-flow",
    verifier: "verifier-of-the-flow",
    redirectUri: "http://agora.example/auth/oidc/callback",
    next: "/values/mine",
    expiresAt: Date.parse("2026-12-07T01:10:00Z"),
  };
  const now = new Date("2026-12-07T01:00:00Z");

  it("opens what it sealed, and hides what it holds", () => {
    const sealed = sealFlow(flow, SECRET);
    expect(openFlow(sealed, SECRET, now)).toEqual(flow);
    // Nothing it holds shows through, as it is or base64url-encoded (a short word could turn up in any ciphertext by chance).
    for (const held of [flow.state, flow.nonce, flow.verifier, flow.redirectUri, flow.next]) {
      expect(sealed).not.toContain(held);
      expect(sealed).not.toContain(Buffer.from(held).toString("base64url").slice(0, 12));
    }
  });

  it("opens nothing changed, expired, sealed under another secret, or missing", () => {
    const sealed = sealFlow(flow, SECRET);
    const [iv, tag, body] = sealed.split(".");
    const flipped = `${body!.slice(0, 3)}${body![3] === "A" ? "B" : "A"}${body!.slice(4)}`;
    expect(openFlow(`${iv}.${tag}.${flipped}`, SECRET, now)).toBeNull();
    expect(openFlow(sealed, SECRET, new Date("2026-12-07T01:10:01Z"))).toBeNull();
    expect(openFlow(sealed, `${SECRET}!`, now)).toBeNull();
    expect(openFlow(undefined, SECRET, now)).toBeNull();
    expect(openFlow("a.b", SECRET, now)).toBeNull();
  });
});

describe("OpenID Connect configuration", () => {
  const dataDir = mkdtempSync(join(tmpdir(), "agora-oidc-config-"));
  afterAll(() => rmSync(dataDir, { recursive: true, force: true }));
  const env = (extra: Record<string, string>): NodeJS.ProcessEnv => ({ DATA_DIR: dataDir, NODE_ENV: "test", ...extra });

  it("is off without it, and on with issuer, client id and secret", () => {
    expect(loadConfig(env({})).oidc).toBeNull();
    expect(loadConfig(env({ OIDC_ISSUER_URL: "", OIDC_CLIENT_ID: "" })).oidc).toBeNull();
    const on = loadConfig(env({ OIDC_ISSUER_URL: "https://tara.ria.ee", OIDC_CLIENT_ID: "agora", OIDC_CLIENT_SECRET: "s" })).oidc;
    expect(on).toEqual({
      issuer: "https://tara.ria.ee",
      clientId: "agora",
      clientSecret: "s",
      providerName: "tara.ria.ee",
      scope: "openid",
      claim: "sub",
      claimPattern: "^[A-Z]{2}(.+)$",
    });
    const tara = loadConfig(
      env({ OIDC_ISSUER_URL: "https://tara.ria.ee", OIDC_CLIENT_ID: "a", OIDC_CLIENT_SECRET: "s", OIDC_PROVIDER_NAME: "TARA", OIDC_SCOPE: "idcard mid" }),
    );
    expect(tara.oidc).toMatchObject({ providerName: "TARA", scope: "openid idcard mid" });
  });

  it("refuses half a configuration and a pattern that is not a regular expression, saying which", () => {
    expect(() => loadConfig(env({ OIDC_ISSUER_URL: "https://tara.ria.ee" }))).toThrow(/OIDC_ISSUER_URL, OIDC_CLIENT_ID and OIDC_CLIENT_SECRET together/);
    expect(() => loadConfig(env({ OIDC_ISSUER_URL: "not a url", OIDC_CLIENT_ID: "a", OIDC_CLIENT_SECRET: "s" }))).toThrow(/OIDC_ISSUER_URL/);
    expect(() => loadConfig(env({ OIDC_CLAIM_PATTERN: "^EE(" }))).toThrow(/OIDC_CLAIM_PATTERN must be a regular expression/);
  });
});
