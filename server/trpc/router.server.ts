import { adminRouter } from "./routers/admin.server.js";
import { authRouter } from "./routers/auth.server.js";
import { deskRouter } from "./routers/desk.server.js";
import { ledgerRouter } from "./routers/ledger.server.js";
import { roomRouter } from "./routers/room.server.js";
import { createCallerFactory, router } from "./init.server.js";

/** The one application API: the browser, Remix loaders and outside systems all come through here. */
export const appRouter = router({
  auth: authRouter,
  admin: adminRouter,
  desk: deskRouter,
  ledger: ledgerRouter,
  room: roomRouter,
});

export type AppRouter = typeof appRouter;
export const createCaller = createCallerFactory(appRouter);
export type Caller = ReturnType<typeof createCaller>;
