import { createCipheriv, createDecipheriv, hkdfSync, randomBytes } from "node:crypto";
import * as client from "openid-client";
import { DomainError } from "../../deliberation/errors.js";
import type { OidcConfig } from "../env.server.js";

/**
 * The relying party of OpenID Connect sign-in (decision 20): authorization code with PKCE, state and
 * nonce, against any provider found from its issuer URL. Everything that talks to the provider is here.
 */

/** How long a person may take at the provider between leaving and coming back. */
export const OIDC_FLOW_SECONDS = 10 * 60;
export const OIDC_FLOW_COOKIE = "agora_oidc";
export const OIDC_CALLBACK_PATH = "/signin/oidc/callback";

/** What the browser carries between leaving for the provider and coming back: sealed, so neither read nor changed. */
interface Flow {
  state: string;
  nonce: string;
  verifier: string;
  redirectUri: string;
  next: string;
  expiresAt: number;
}

export interface OidcIdentity {
  claims: Record<string, unknown>;
  /** Where signing out here sends the browser to end the provider's session too, if the provider can. */
  signOutUrl: string | null;
}

const configurations = new WeakMap<OidcConfig, Promise<client.Configuration>>();

/** Plain http is for a provider on this machine only (tests, a local test provider); anything else must be https. */
function isLoopback(url: URL): boolean {
  return ["localhost", "127.0.0.1", "[::1]"].includes(url.hostname);
}

function unreachable(): DomainError {
  return new DomainError("conflict", "auth.oidcUnavailable", "The sign-in service cannot be reached just now. Try again in a moment.");
}

/** The provider's metadata, discovered once per process; a failed discovery is tried again on the next sign-in. */
async function configuration(oidc: OidcConfig): Promise<client.Configuration> {
  let found = configurations.get(oidc);
  if (!found) {
    const issuer = new URL(oidc.issuer);
    found = client.discovery(issuer, oidc.clientId, undefined, client.ClientSecretBasic(oidc.clientSecret), {
      timeout: 10,
      ...(issuer.protocol === "http:" && isLoopback(issuer) ? { execute: [client.allowInsecureRequests] } : {}),
    });
    configurations.set(oidc, found);
    found.catch(() => configurations.delete(oidc));
  }
  try {
    return await found;
  } catch {
    throw unreachable();
  }
}

function flowKey(secret: string): Buffer {
  return Buffer.from(hkdfSync("sha256", secret, "agora", "oidc-flow-cookie", 32));
}

/** AES-256-GCM under a key derived from SESSION_SECRET: the cookie is both secret and tamper-evident. */
export function sealFlow(flow: Flow, secret: string): string {
  const iv = randomBytes(12);
  const cipher = createCipheriv("aes-256-gcm", flowKey(secret), iv);
  const body = Buffer.concat([cipher.update(JSON.stringify(flow), "utf8"), cipher.final()]);
  return [iv, cipher.getAuthTag(), body].map((b) => b.toString("base64url")).join(".");
}

export function openFlow(sealed: string | undefined, secret: string, now: Date): Flow | null {
  const [iv, tag, body] = (sealed ?? "").split(".");
  if (!iv || !tag || !body || sealed!.length > 4096) return null;
  try {
    const decipher = createDecipheriv("aes-256-gcm", flowKey(secret), Buffer.from(iv, "base64url"));
    decipher.setAuthTag(Buffer.from(tag, "base64url"));
    const flow = JSON.parse(Buffer.concat([decipher.update(Buffer.from(body, "base64url")), decipher.final()]).toString("utf8")) as Flow;
    return flow.expiresAt > now.getTime() ? flow : null;
  } catch {
    return null;
  }
}

/** Where to send the person, and the sealed flow to set as a short-lived cookie before sending her. */
export async function beginOidc(
  oidc: OidcConfig,
  input: { origin: string; next: string; secret: string; now: Date },
): Promise<{ url: string; sealedFlow: string }> {
  const config = await configuration(oidc);
  const verifier = client.randomPKCECodeVerifier();
  const flow: Flow = {
    state: client.randomState(),
    nonce: client.randomNonce(),
    verifier,
    redirectUri: new URL(OIDC_CALLBACK_PATH, input.origin).href,
    next: input.next,
    expiresAt: input.now.getTime() + OIDC_FLOW_SECONDS * 1000,
  };
  const url = client.buildAuthorizationUrl(config, {
    redirect_uri: flow.redirectUri,
    scope: oidc.scope,
    response_type: "code",
    state: flow.state,
    nonce: flow.nonce,
    code_challenge: await client.calculatePKCECodeChallenge(verifier),
    code_challenge_method: "S256",
  });
  return { url: url.href, sealedFlow: sealFlow(flow, input.secret) };
}

function failed(): DomainError {
  return new DomainError("invalid", "auth.oidcFailed", "This sign-in could not be completed. Start again from the sign-in page.");
}

/**
 * The provider's answer checked against the flow this browser started (state, PKCE verifier, nonce,
 * the ID token's signature, issuer, audience and age), the code exchanged, and the person's claims.
 * Any mismatch, a refusal at the provider, or a flow that is missing or expired is one clear failure.
 */
export async function completeOidc(
  oidc: OidcConfig,
  input: { query: URLSearchParams; sealedFlow: string | undefined; secret: string; now: Date },
): Promise<{ identity: OidcIdentity; next: string }> {
  const flow = openFlow(input.sealedFlow, input.secret, input.now);
  if (!flow) throw failed();
  const config = await configuration(oidc);
  const currentUrl = new URL(flow.redirectUri);
  for (const [name, value] of input.query) currentUrl.searchParams.append(name, value);
  let tokens: Awaited<ReturnType<typeof client.authorizationCodeGrant>>;
  try {
    tokens = await client.authorizationCodeGrant(config, currentUrl, {
      pkceCodeVerifier: flow.verifier,
      expectedState: flow.state,
      expectedNonce: flow.nonce,
      idTokenExpected: true,
    });
  } catch (error) {
    if (isNetworkFailure(error)) throw unreachable();
    throw failed();
  }
  const idClaims = tokens.claims();
  if (!idClaims || !tokens.id_token) throw failed();
  let claims: Record<string, unknown> = { ...idClaims };
  // Some providers put only `sub` in the ID token and the rest behind the userinfo endpoint.
  if (!(oidc.claim in claims) && config.serverMetadata().userinfo_endpoint) {
    const info = await client.fetchUserInfo(config, tokens.access_token, idClaims.sub).catch(() => null);
    if (info) claims = { ...info, ...claims };
  }
  return { identity: { claims, signOutUrl: endSessionUrl(config, tokens.id_token, new URL("/", flow.redirectUri).href) }, next: flow.next };
}

function isNetworkFailure(error: unknown): boolean {
  return error instanceof TypeError && /fetch failed/i.test(error.message);
}

/** RP-initiated logout, when the provider says it can (end_session_endpoint), back to this site's front page; else null. */
function endSessionUrl(config: client.Configuration, idToken: string, postLogoutRedirectUri: string): string | null {
  if (!config.serverMetadata().end_session_endpoint) return null;
  return client.buildEndSessionUrl(config, { id_token_hint: idToken, post_logout_redirect_uri: postLogoutRedirectUri }).href;
}

/**
 * The registry's personal code in a claim: the configured pattern's first group (TARA's `sub` is
 * `EE` + the personal code, and the default pattern strips any two-letter country prefix), or null
 * when the claim is absent or does not have that form.
 */
export function personalCodeFrom(claims: Record<string, unknown>, oidc: Pick<OidcConfig, "claim" | "claimPattern">): string | null {
  const value = claims[oidc.claim];
  if (typeof value !== "string" && typeof value !== "number") return null;
  const match = new RegExp(oidc.claimPattern).exec(String(value).trim());
  const code = match ? (match[1] ?? match[0]) : null;
  return code ? code.trim() || null : null;
}
