import { z } from "zod";
import { DomainError } from "./errors.js";
import { Language } from "./reading/types.js";
import { recordText } from "./record-text.js";

/**
 * A matter's life (DESIGN.md): a proposed rule from draft to intake, convening, deliberation,
 * ratification, and publication, and then sunset, renewal or repeal. Each move is a ledger event.
 */
export const MATTER_STATUSES = [
  "draft",
  "intake",
  "convened",
  "deliberating",
  "ratification",
  "ratified",
  "rejected",
  "returned",
  "published",
  "sunset",
  "renewed",
  "repealed",
] as const;
export type MatterStatus = (typeof MATTER_STATUSES)[number];

/** Which status may follow which. "returned" goes back to deliberation with the delegates' guidance. */
export const MATTER_TRANSITIONS: Readonly<Record<MatterStatus, readonly MatterStatus[]>> = {
  draft: ["intake"],
  intake: ["convened"],
  convened: ["deliberating"],
  deliberating: ["ratification"],
  ratification: ["ratified", "rejected", "returned"],
  returned: ["deliberating"],
  ratified: ["published"],
  rejected: [],
  published: ["sunset", "renewed", "repealed"],
  renewed: ["sunset", "repealed"],
  sunset: [],
  repealed: [],
};

export function canMove(from: MatterStatus, to: MatterStatus): boolean {
  return MATTER_TRANSITIONS[from].includes(to);
}

export function requireMove(from: MatterStatus, to: MatterStatus): void {
  if (!canMove(from, to)) {
    throw new DomainError("conflict", "matters.badTransition", `A matter in ${from} cannot move to ${to}.`, { from, to });
  }
}

export const DEFAULT_SUNSET_DAYS = 90;

export const CLAUSE_LIMITS = { count: 40, text: { min: 10, max: 4_000 } } as const;
/** A citizen's amendment is one provision: shorter than a clause may be. */
export const PROVISION_LIMITS = { min: 10, max: 1_000 } as const;

const NUMBERED = /^\s*\d{1,3}\s*[.)]\s+/;

/**
 * A rule written as one text, as clauses: one per non-empty line, its leading number ("1. ", "2) ")
 * dropped. A text without line breaks is one clause.
 */
export function splitRule(text: string): string[] {
  return text
    .split(/\r?\n/)
    .map((line) => line.replace(NUMBERED, "").trim())
    .filter((line) => line.length > 0);
}

/** The clauses as one numbered text ("1. …\n2. …"): how the rule reads whole, and what `matters.rule_text` holds. */
export function numberedRule(clauses: readonly string[]): string {
  return clauses.map((text, i) => `${i + 1}. ${text}`).join("\n");
}

/** The clerk's settings for a matter, with the bounds the protocol can honour. */
export const MatterDraft = z.object({
  title: recordText({ min: 5, max: 200 }),
  /** The rule as laws are written: numbered clauses, in the matter's language (DESIGN.md, "The rule as clauses"). */
  clauses: z.array(recordText(CLAUSE_LIMITS.text)).min(1).max(CLAUSE_LIMITS.count),
  language: Language,
  contextId: z
    .string()
    .trim()
    .min(1)
    .max(80)
    .regex(/^[a-z0-9-]+$/, "A context id has lowercase letters, digits and - only."),
  rationale: z.string().trim().min(10).max(5_000),
  emergency: z.boolean(),
  intakeHours: z
    .number()
    .int()
    .min(1)
    .max(24 * 60),
  rounds: z.number().int().min(1).max(5),
  candidates: z.number().int().min(2).max(8),
  approvalThreshold: z.number().min(0.5).max(1),
  sunsetDays: z
    .number()
    .int()
    .min(1)
    .max(365 * 5)
    .optional(),
});
export type MatterDraft = z.infer<typeof MatterDraft>;

/** Emergency rulings lapse: by default after 90 days. Others have no sunset unless the clerk sets one. */
export function sunsetDaysOf(draft: Pick<MatterDraft, "emergency" | "sunsetDays">): number | null {
  return draft.sunsetDays ?? (draft.emergency ? DEFAULT_SUNSET_DAYS : null);
}

export function intakeClosesAt(openedAt: Date, intakeHours: number): Date {
  return new Date(openedAt.getTime() + intakeHours * 3600_000);
}

const DAY_MS = 86_400_000;

/**
 * The sunset a renewal gives: `days` more from the current sunset, or from now if it already passed.
 * A renewal never moves a sunset earlier.
 */
export function renewedSunset(current: Date | null, now: Date, days: number): Date {
  const from = current && current.getTime() > now.getTime() ? current : now;
  return new Date(from.getTime() + days * DAY_MS);
}
