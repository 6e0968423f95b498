import { randomBytes, randomUUID } from "node:crypto";
import { createServer, type Server as HttpServer } from "node:http";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { createRequestHandler } from "@remix-run/express";
import type { ServerBuild } from "@remix-run/node";
import { createExpressMiddleware } from "@trpc/server/adapters/express";
import { parse as parseCookies } from "cookie";
import express from "express";
import helmet from "helmet";
import { type DbHandle, isDatabaseUnavailable, openDatabase } from "../db/connection.js";
import { migrateToLatest } from "../db/migrate.js";
import { deleteExpiredSessions } from "../db/repos/sessions.js";
import { createEngine } from "../deliberation/llm/index.js";
import type { LlmPort } from "../deliberation/llm/port.js";
import type { ServerConfig } from "./env.server.js";
import { isSameOrigin } from "./auth/origin.server.js";
import { remixLoadContext } from "./load-context.server.js";
import { log, requestIdFrom } from "./log.server.js";
import { httpDuration, mayReadMetrics, meteredLlm, registry, routeLabel } from "./metrics.server.js";
import { dbCallRecorder } from "./llm-recorder.server.js";
import { createOfflineWorker } from "./services/offline-worker.server.js";
import { openApiDocument } from "./openapi.server.js";
import { createRealtime, type Realtime } from "./realtime/index.server.js";
import { createDeliberationRunner } from "./services/deliberation.server.js";
import { lapseDueRulings, sweepPublications } from "./services/registry-log.server.js";
import { sweepRegistryImports } from "./services/registry.server.js";
import { sweepConvenings } from "./services/convening.server.js";
import { type AppDeps, systemClock } from "./services/deps.server.js";
import { createGraphRegistry } from "./services/graph.server.js";
import { VERIFIER_FILE, verifierSource } from "./services/verifier.server.js";
import { contextFromRequest, SESSION_COOKIE } from "./trpc/context.server.js";
import { retryAfterOf } from "./trpc/init.server.js";
import { REGISTRY_MAX_BYTES, REGISTRY_UPLOAD_MAX_BYTES } from "./trpc/routers/admin.server.js";
import { appRouter } from "./trpc/router.server.js";

export type RemixMode = "build" | "dev" | "none";

/** Seconds a client is told to wait before asking again while the database is away. */
const RETRY_AFTER_S = "5";
const UNAVAILABLE_PAGE =
  '<!doctype html><html lang="en"><meta charset="utf-8"><title>Agora: try again in a moment</title>' +
  "<h1>Agora cannot reach its database just now</h1><p>Nothing you sent was lost half-way. Please try again in a moment.</p></html>";

/**
 * What keeps a server process alive through a database outage, installed once per process (npm start,
 * and the processes the cluster tests start). The pools already listen for their connections' errors
 * (db/connection.ts); this is the last net under anything that slipped past them: an 'error' or a
 * rejection nobody handled is logged with its stack and the process carries on serving, because one
 * dropped connection must not take every room of the polity down with it.
 */
export function installProcessGuards(report: (message: string, error: unknown) => void = (m, err) => log.error({ err }, m)): void {
  process.on("unhandledRejection", (reason) => report("[process] a promise failed and nobody handled it", reason));
  process.on("uncaughtException", (error, origin) => {
    // A database connection that failed is survivable; anything else leaves the process in a state we cannot vouch for.
    if (isDatabaseUnavailable(error)) return report(`[process] ${origin}, the database went away (carrying on)`, error);
    report(`[process] ${origin}, stopping`, error);
    process.exit(1);
  });
}

export interface AgoraServer {
  deps: AppDeps;
  database: DbHandle;
  http: HttpServer;
  realtime: Realtime;
  listen(port: number, host?: string): Promise<number>;
  close(): Promise<void>;
}

/** Rejects cross-site writes: a state-changing request that names an origin must name ours. */
function sameOriginWrites(req: express.Request, res: express.Response, next: express.NextFunction) {
  if (req.method === "GET" || req.method === "HEAD" || req.method === "OPTIONS" || isSameOrigin(req.headers)) return next();
  res.status(403).json({ error: { message: "Cross-site request refused." } });
}

/**
 * Form posts (the registry upload is the largest) may not exceed the API's own body limit. Remix reads
 * a body whole, so its routes take only bodies that say their length (browsers always do); the tRPC
 * adapter counts what it reads against maxBodySize itself.
 */
function boundedBodies(defaultLimit: number, limits: Record<string, number> = {}) {
  return (req: express.Request, res: express.Response, next: express.NextFunction) => {
    if (req.method === "GET" || req.method === "HEAD" || req.method === "OPTIONS") return next();
    const limit = limits[req.path] ?? defaultLimit;
    const declared = req.headers["content-length"];
    if (declared === undefined && req.headers["transfer-encoding"] && !req.path.startsWith("/trpc")) {
      return void res.status(411).json({ error: { message: "A request body must state its length." } });
    }
    if (Number(declared ?? 0) > limit) return void res.status(413).json({ error: { message: "The request is too large." } });
    next();
  };
}

/**
 * What a cache between the reader and Agora (a shared computer's browser, a library's proxy, a CDN) may
 * do with an answer, set as its head is written, so that a route's own Cache-Control stands:
 * - nothing shown to a signed-in person may stay in it: an answer to a request that carries a session,
 *   and every API answer, is `no-store` unless its route said how it may be cached (the registry's
 *   documents and the open data are the same bytes for everyone);
 * - a page is written for its reader, signed in or not (the session cookie) and in her language (the
 *   language cookie, or Accept-Language), so every page says it varies by them and a cache never hands
 *   one reader's page to another.
 */
function cacheHeaders(req: express.Request, res: express.Response, next: express.NextFunction) {
  const privately = req.path.startsWith("/trpc") || SESSION_COOKIE in parseCookies(req.headers.cookie ?? "");
  const writeHead = res.writeHead;
  res.writeHead = function (this: express.Response, ...args: Parameters<typeof writeHead>) {
    if (privately && !this.hasHeader("cache-control")) this.setHeader("Cache-Control", "no-store");
    if (/^text\/html/i.test(String(this.getHeader("content-type") ?? ""))) {
      this.vary("Cookie");
      this.vary("Accept-Language");
    }
    return writeHead.apply(this, args);
  } as typeof writeHead;
  next();
}

export async function createAgoraServer(
  config: ServerConfig,
  options: { remix?: RemixMode; llm?: LlmPort; root?: string; runDeliberations?: boolean } = {},
): Promise<AgoraServer> {
  const root = options.root ?? process.cwd();
  const database = openDatabase(config.database);
  await migrateToLatest(database.db);

  const ids = () => randomUUID();
  // The offline engine reads value cards in a worker thread (server/services/offline-worker.server.ts).
  const offlineWorker = options.llm ? null : createOfflineWorker();
  const http = createServer();
  const broadcaster = { ledgerAppended: () => {} } as AppDeps["events"];
  const deps: AppDeps = {
    db: database.db,
    dialect: database.dialect,
    config,
    clock: systemClock,
    ids,
    llm: meteredLlm(
      options.llm ??
        createEngine({
          ...config.llm,
          recorder: dbCallRecorder(() => deps),
          clock: systemClock,
          ids,
          ...(offlineWorker ? { offload: offlineWorker.offload } : {}),
        }),
    ),
    events: { ledgerAppended: (event) => broadcaster.ledgerAppended(event) },
    graphs: createGraphRegistry(() => deps),
    deliberations: createDeliberationRunner(() => deps, {
      leaseMs: config.deliberation.leaseMs,
      concurrency: config.llm.concurrency,
      hooks: { transcript: (chunk) => realtime.transcript(chunk) },
      enabled: options.runDeliberations !== false,
    }),
  };
  const realtime = await createRealtime(http, deps, { health: database.health });
  broadcaster.ledgerAppended = (event) => realtime.ledgerAppended(event);

  const app = express();
  app.disable("x-powered-by");
  app.set("trust proxy", "loopback");
  const remixMode = options.remix ?? "build";
  // Every request has an id (the caller's X-Request-Id if it is a short safe token), echoed in the
  // answer, carried into tRPC's context and into the logs of its errors; and it is timed by route.
  const procedures = new Set(Object.keys(appRouter._def.procedures));
  app.use((req, res, next) => {
    const started = process.hrtime.bigint();
    const requestId = requestIdFrom(req.headers["x-request-id"], randomUUID);
    const path = req.path;
    res.locals.requestId = requestId;
    res.setHeader("X-Request-Id", requestId);
    res.on("finish", () => {
      const seconds = Number(process.hrtime.bigint() - started) / 1e9;
      const route = routeLabel(path, res.statusCode, procedures);
      httpDuration.observe({ method: req.method, route, status: String(res.statusCode) }, seconds);
      log.debug({ requestId, method: req.method, route, status: res.statusCode, ms: Math.round(seconds * 1000) }, "http request");
    });
    res.locals.cspNonce = randomBytes(16).toString("base64");
    next();
  });
  app.use(
    helmet({
      contentSecurityPolicy:
        remixMode === "dev"
          ? false
          : {
              directives: {
                "script-src": ["'self'", (_req, res) => `'nonce-${(res as express.Response).locals.cspNonce}'`],
                "connect-src": ["'self'"],
                "img-src": ["'self'", "data:"],
                "upgrade-insecure-requests": config.cookieSecure ? [] : null,
              },
            },
      strictTransportSecurity: config.cookieSecure,
      // Not helmet's "no-referrer": under it browsers send `Origin: null` with every plain HTML form
      // post (the language switch, any form before hydration), and sameOriginWrites refuses those.
      // "same-origin" still sends nothing to other sites.
      referrerPolicy: { policy: "same-origin" },
    }),
  );
  app.use(sameOriginWrites);
  app.use(cacheHeaders);
  // The census upload page streams its file to disk (a nation's census is about 100 MB).
  app.use(boundedBodies(REGISTRY_MAX_BYTES + 64 * 1024, { "/admin/registry": REGISTRY_UPLOAD_MAX_BYTES + 64 * 1024 }));

  // Up: {"ok":true,"db":"sqlite"|"postgres",…}. Down: 503 and "db":"down" at once, not after a wait for a connection.
  app.get("/healthz", async (_req, res) => {
    const down = () => res.status(503).set("retry-after", RETRY_AFTER_S).json({ ok: false, db: "down", engine: deps.llm.engine });
    if (!database.health.up) return void down();
    try {
      // First in line on SQLite, still a read of the database (db/connection.ts, liveness).
      await database.liveness();
      res.json({ ok: true, db: database.dialect, engine: deps.llm.engine });
    } catch (error) {
      database.health.noteError(error);
      log.warn({ requestId: res.locals.requestId, err: error }, "[healthz] the database did not answer");
      down();
    }
  });

  // Prometheus's text format. Who may read it: see mayReadMetrics (METRICS_TOKEN, else loopback only).
  app.get("/metrics", async (req, res) => {
    const allowed = mayReadMetrics(process.env.METRICS_TOKEN?.trim() || undefined, {
      address: req.socket.remoteAddress,
      forwarded: req.headers["x-forwarded-for"] !== undefined || req.headers.forwarded !== undefined,
      authorization: req.headers.authorization,
    });
    if (!allowed) return void res.status(403).type("text").send("Forbidden.\n");
    res
      .set("Cache-Control", "no-store")
      .type(registry.contentType)
      .send(await registry.metrics());
  });

  // The public read API described in OpenAPI 3.1 (server/openapi.server.ts); it depends on the code only.
  const apiVersion = (JSON.parse(readFileSync(join(root, "package.json"), "utf8")) as { version: string }).version;
  app.get("/api/openapi.json", (_req, res) => {
    res.set("Cache-Control", "public, max-age=300").json(openApiDocument(apiVersion));
  });

  // The registry's one-file verifier and its SHA-256 (issue 17.4), served even while the database is away.
  const verifier = verifierSource(deps, root, (err) => log.warn({ err }, "[verifier] its SHA-256 could not be recorded in the log yet"));
  app.get(`/${VERIFIER_FILE}`, (_req, res, next) => {
    verifier().then(
      (file) =>
        void res.type("text/javascript; charset=utf-8").set("content-disposition", `attachment; filename="${VERIFIER_FILE}"`).send(Buffer.from(file.bytes)),
      next,
    );
  });
  app.get(`/${VERIFIER_FILE}.sha256`, (_req, res, next) => {
    verifier().then((file) => void res.type("text/plain; charset=utf-8").send(`${file.sha256}  ${VERIFIER_FILE}\n`), next);
  });

  // While the database is known to be away, pages are answered 503 at once (the API answers each call 503 itself).
  app.use((req, res, next) => {
    if (database.health.up || req.path.startsWith("/trpc") || req.path.startsWith("/assets/")) return next();
    res.status(503).set("retry-after", RETRY_AFTER_S).type("html").send(UNAVAILABLE_PAGE);
  });

  app.use(
    "/trpc",
    createExpressMiddleware({
      router: appRouter,
      createContext: async ({ req, res }) => ({ ...(await contextFromRequest(deps, req, res)), requestId: res.locals.requestId as string }),
      maxBodySize: REGISTRY_MAX_BYTES + 64 * 1024,
      // A database that is away is a 503 (the error formatter says so): tell the client when to ask again.
      // A refusal by a rate limit (429) says how long (decision 17).
      responseMeta: ({ errors }) => {
        const retryAfter = errors.some((e) => isDatabaseUnavailable(e.cause)) ? RETRY_AFTER_S : retryAfterOf(errors);
        return retryAfter ? { headers: { "retry-after": retryAfter } } : {};
      },
      onError: ({ error, path, ctx }) => {
        const requestId = ctx?.requestId;
        if (isDatabaseUnavailable(error.cause)) {
          database.health.noteError(error.cause);
          log.warn({ requestId, path, reason: (error.cause as Error).message }, `[trpc] ${path}: the database is unavailable`);
        } else if (error.code === "INTERNAL_SERVER_ERROR") log.error({ requestId, path, err: error.cause ?? error }, `[trpc] ${path} failed`);
      },
    }),
  );

  if (remixMode === "build") {
    const buildDir = join(root, "build");
    app.use("/assets", express.static(join(buildDir, "client/assets"), { immutable: true, maxAge: "1y" }));
    app.use(express.static(join(buildDir, "client"), { maxAge: "1h" }));
    const build = (await import(join(buildDir, "server/index.js"))) as ServerBuild;
    app.all("*", createRequestHandler({ build, getLoadContext: (req, res) => remixLoadContext(deps, req, res, (error) => database.health.noteError(error)) }));
  } else if (remixMode === "dev") {
    const vite = await import("vite");
    const devServer = await vite.createServer({ root, server: { middlewareMode: true, hmr: { server: http } } });
    app.use(devServer.middlewares);
    app.all(
      "*",
      createRequestHandler({
        build: () => devServer.ssrLoadModule("virtual:remix/server-build") as Promise<ServerBuild>,
        getLoadContext: (req, res) => remixLoadContext(deps, req, res, (error) => database.health.noteError(error)),
      }),
    );
  }

  // What the Remix handler passes on (its load context could not read the session): 503 for a database
  // that is away, else a plain 500 that says nothing of the cause (logged here for the operator).
  app.use((error: unknown, req: express.Request, res: express.Response, next: express.NextFunction) => {
    if (res.headersSent) return next(error);
    if (isDatabaseUnavailable(error)) {
      database.health.noteError(error);
      log.warn({ requestId: res.locals.requestId, reason: (error as Error).message }, `[http] ${req.method} ${req.path}: the database is unavailable`);
      return void res.status(503).set("retry-after", RETRY_AFTER_S).type("html").send(UNAVAILABLE_PAGE);
    }
    // The sender's mistake (a path whose percent escapes do not decode, a body the parser refuses): its 4xx.
    const status = (error as { status?: unknown; statusCode?: unknown }).status ?? (error as { statusCode?: unknown }).statusCode;
    if (typeof status === "number" && status >= 400 && status < 500) {
      log.info({ requestId: res.locals.requestId, status, reason: (error as Error).message }, `[http] ${req.method} ${req.path}: refused`);
      return void res
        .status(status)
        .type("text")
        .send(status === 400 ? "This address or request could not be read.\n" : "Refused.\n");
    }
    log.error({ requestId: res.locals.requestId, err: error }, `[http] ${req.method} ${req.path} failed`);
    res.status(500).type("text").send("Something went wrong on our side.");
  });

  // socket.io already answers its own path on this server; the app must not answer it a second time.
  const socketPath = `${realtime.io.path()}/`;
  http.on("request", (req, res) => {
    if (!req.url?.startsWith(socketPath)) app(req, res);
  });

  const sweepSessions = () => deleteExpiredSessions(database.db, new Date().toISOString()).catch((err) => log.error({ err }, "[sessions] sweep failed"));
  await sweepSessions();
  const sweeper = setInterval(sweepSessions, 3600_000).unref();
  // Deliberations that were running when the last process stopped carry on from the ledger.
  await deps.deliberations.sweep();
  // Emergency rulings lapse at their sunset: checked at start and every minute.
  const lapse = () => lapseDueRulings(deps).catch((err) => log.error({ err }, "[rulings] sunset job failed"));
  if (options.runDeliberations !== false) await lapse();
  const sunsetJob = options.runDeliberations !== false ? setInterval(lapse, 60_000).unref() : null;
  // Census imports and convenings cut short by a stopped process: finished (imports being written) or undone.
  const sweepBatches = () =>
    sweepRegistryImports(deps)
      .then(() => sweepConvenings(deps))
      .then(() => sweepPublications(deps))
      .catch((err) => log.error({ err }, "[batches] sweep failed"));
  await sweepBatches();
  const batchSweeper = setInterval(sweepBatches, 60_000).unref();

  return {
    deps,
    database,
    http,
    realtime,
    listen: (port, host = config.host) =>
      new Promise((resolve, reject) => {
        http.once("error", reject);
        http.listen(port, host, () => {
          const address = http.address();
          resolve(typeof address === "object" && address ? address.port : port);
        });
      }),
    async close() {
      clearInterval(sweeper);
      if (sunsetJob) clearInterval(sunsetJob);
      clearInterval(batchSweeper);
      await deps.deliberations.close();
      await deps.graphs.close();
      await offlineWorker?.terminate();
      await realtime.close();
      if (http.listening) await new Promise<void>((resolve) => http.close(() => resolve()));
      await database.close();
    },
  };
}
