import { z } from "zod";
import { recordText } from "../../../deliberation/record-text.js";

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
  /** The slot of the clause amended (its place in the rule), and its new words; empty strikes it. */
  amendSlot: z.number().int().min(0).max(500),
  /** Ends up in the ruling's text, and so in its public records. */
  amendText: recordText({ max: 1_000 }),
  returnGuidance: Text(2_000).optional(),
  voteReason: Text(1_000).optional(),
};
