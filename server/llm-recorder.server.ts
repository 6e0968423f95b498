import type { CallRecorder } from "../deliberation/llm/port.js";
import type { AppDeps } from "./services/deps.server.js";

/** Records every model call (and every offline-engine run) in llm_calls, for audit. */
export function dbCallRecorder(deps: () => AppDeps): CallRecorder {
  return {
    async record(call) {
      const { db } = deps();
      await db.transaction().execute((trx) =>
        trx
          .insertInto("llmCalls")
          .values({ ...call, prompt: JSON.stringify(call.prompt), engine: call.engine })
          .execute(),
      );
    },
  };
}
