import { z } from "zod";
import type { Task } from "../llm/port.js";
import { CARD_LIMITS, ValueCardDraft } from "./types.js";

/**
 * The guided path to a value card: the citizen tells of a real choice, lists what she paid
 * attention to, and says what mattered; a draft card comes back for her to edit.
 */
export const GuidedAnswers = z.object({
  contextTitle: z.string().trim().max(200),
  choice: z.string().trim().min(10).max(1500),
  noticed: z.string().trim().min(5).max(1500),
  mattered: z.string().trim().min(3).max(600),
});
export type GuidedAnswers = z.infer<typeof GuidedAnswers>;

const HEADS: [RegExp, string][] = [
  [/^(when|whenever|the moment|moments?|kui|hetk)/i, "MOMENTS"],
  [/^(how|ways?|way to|kuidas|viis)/i, "WAYS"],
  [/^(where|places?|spaces?|kus|koht)/i, "SPACES"],
  [/^(whether|signs?|if|kas|märk)/i, "SIGNS"],
  [/^(who|people|persons?|kes|inimesed)/i, "PEOPLE"],
  [/^(chances?|opportunit|võimalus)/i, "CHANCES"],
  [/^(feelings?|the feeling|tunne)/i, "FEELINGS"],
];

/** "when the camera…" → "MOMENTS when the camera…"; an existing capitals-first head is kept. */
export function asAttentionalPolicy(line: string): string {
  const text = line
    .trim()
    .replace(/^[-*•\d.)\s]+/, "")
    .replace(/[.;]+$/, "");
  if (/^[A-ZÕÄÖÜŠŽ]{3,}\b/.test(text)) return text;
  for (const [pattern, head] of HEADS)
    if (pattern.test(text)) return `${head} ${text.replace(/^(moments?|ways?|places?|spaces?|signs?|chances?|feelings?)\s+/i, "")}`;
  return `THINGS like ${text.charAt(0).toLowerCase()}${text.slice(1)}`;
}

function clip(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max - 1).replace(/\s+\S*$/, "")}…`;
}

/** Offline: the citizen's own words, rearranged into the card's structure; nothing is invented. */
export function draftFromAnswers(answers: GuidedAnswers): ValueCardDraft {
  const policies = answers.noticed
    .split(/\n|;|•/)
    .map((l) => l.trim())
    .filter((l) => l.length >= CARD_LIMITS.policy.min)
    .slice(0, CARD_LIMITS.policies.max)
    .map((l) => clip(asAttentionalPolicy(l), CARD_LIMITS.policy.max));
  while (policies.length < CARD_LIMITS.policies.min)
    policies.push(policies.length === 0 ? "MOMENTS when this choice comes up again" : "WAYS to tell that what matters here is kept");
  const mattered = answers.mattered.replace(/[.!]+$/, "");
  const title = clip(mattered.charAt(0).toUpperCase() + mattered.slice(1), CARD_LIMITS.title.max);
  const description = clip(
    `When I choose in matters like this, what I care about is ${mattered.charAt(0).toLowerCase()}${mattered.slice(1)}. ${answers.choice}`,
    CARD_LIMITS.description.max,
  );
  return { title: title.length >= CARD_LIMITS.title.min ? title : `${title} matters`, description, policies };
}

export const draftValueTask: Task<GuidedAnswers, ValueCardDraft> = {
  name: "values.draft",
  instructions: [
    "Help a citizen articulate a value as a values card. From her story of a real choice, what she noticed and what mattered,",
    "draft: a title of a few words naming the value; a one- or two-sentence first-person description;",
    "2-6 attentional policies: what someone living by this value pays attention to when choosing, each a short phrase",
    "starting with a capitalised plural noun (MOMENTS, WAYS, SPACES, SIGNS, PEOPLE, CHANCES, FEELINGS…).",
    "Use her words and meaning; do not add opinions, rules or goals she did not express.",
  ].join(" "),
  input: GuidedAnswers,
  output: ValueCardDraft,
  offline: draftFromAnswers,
};
