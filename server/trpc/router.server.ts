import { adminRouter } from "./routers/admin.server.js";
import { authRouter } from "./routers/auth.server.js";
import { deskRouter } from "./routers/desk.server.js";
import { ledgerRouter } from "./routers/ledger.server.js";
import { mattersRouter } from "./routers/matters.server.js";
import { exportsRouter } from "./routers/exports.server.js";
import { graphRouter } from "./routers/graph.server.js";
import { roomRouter } from "./routers/room.server.js";
import { rulingsRouter } from "./routers/rulings.server.js";
import { valuesRouter } from "./routers/values.server.js";
import { createCallerFactory, router } from "./init.server.js";

/** The one application API: the browser, Remix loaders and outside systems all come through here. */
export const appRouter = router({
  auth: authRouter,
  admin: adminRouter,
  desk: deskRouter,
  ledger: ledgerRouter,
  room: roomRouter,
  rulings: rulingsRouter,
  values: valuesRouter,
  graph: graphRouter,
  exports: exportsRouter,
  matters: mattersRouter,
});

export type AppRouter = typeof appRouter;
export const createCaller = createCallerFactory(appRouter);
export type Caller = ReturnType<typeof createCaller>;
