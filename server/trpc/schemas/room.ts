import { z } from "zod";

/**
 * The room's free-text inputs, browser-safe so a page reads its HTML constraints from them
 * (app/utils/constraints.ts). Bounds as in server/trpc/routers/room.server.ts.
 */
const Text = (max: number) => z.string().trim().min(1).max(max);

export const roomInputs = {
  pauseReason: Text(1_000).optional(),
  guidance: Text(2_000),
  overrideText: Text(1_500),
  strikeReason: Text(1_000),
  amendText: Text(100_000),
  returnGuidance: Text(2_000).optional(),
  voteReason: Text(1_000).optional(),
};
