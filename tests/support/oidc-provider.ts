import { randomBytes } from "node:crypto";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import Provider from "oidc-provider";

/**
 * A real OpenID provider on loopback for the tests: `oidc-provider`, the certified implementation,
 * with its own development login and consent pages. Whatever login a person types there becomes her
 * `sub`, as TARA's is `EE` + her personal code; the password is not checked (the provider's dev pages).
 */
export interface TestProvider {
  issuer: string;
  clientId: string;
  clientSecret: string;
  /** Registers the relying party's redirect and post-logout URIs (known once the app listens). */
  registerClient(appOrigin: string): void;
  close(): Promise<void>;
}

export async function startTestProvider(): Promise<TestProvider> {
  let handle: ((req: IncomingMessage, res: ServerResponse) => void) | null = null;
  const server = createServer((req, res) => {
    if (handle) return handle(req, res);
    res.statusCode = 503;
    res.end("The test provider has no client yet.");
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const address = server.address();
  const port = typeof address === "object" && address ? address.port : 0;
  const issuer = `http://127.0.0.1:${port}`;
  const clientId = "agora-test";
  const clientSecret = randomBytes(24).toString("base64url");

  return {
    issuer,
    clientId,
    clientSecret,
    registerClient(appOrigin) {
      const provider = new Provider(issuer, {
        clients: [
          {
            client_id: clientId,
            client_secret: clientSecret,
            redirect_uris: [`${appOrigin}/signin/oidc/callback`],
            post_logout_redirect_uris: [`${appOrigin}/`],
            grant_types: ["authorization_code"],
            response_types: ["code"],
            token_endpoint_auth_method: "client_secret_basic",
          },
        ],
        pkce: { required: () => true },
        // Set, so the provider does not print a notice for each default.
        ttl: { Interaction: 600, Session: 3600, Grant: 3600, AccessToken: 600, IdToken: 600 },
        cookies: { keys: [randomBytes(32).toString("base64url")] },
        findAccount: (_ctx, id) => ({ accountId: id, claims: () => ({ sub: id }) }),
        features: { devInteractions: { enabled: true }, rpInitiatedLogout: { enabled: true } },
      });
      handle = provider.callback();
    },
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}
