import { z } from "zod";
import type { Task } from "../llm/port.js";

/**
 * The short first-person story shown with a wiser-than pair: how someone who lived by value A came
 * to see value B as wiser in this context. Citizens judge whether the move was one toward wisdom.
 */
const Card = z.object({ title: z.string().max(80), description: z.string().max(600), policies: z.array(z.string().max(160)).max(6) });
export const StoryInput = z.object({ contextTitle: z.string().max(200), from: Card, to: Card });
export type StoryInput = z.infer<typeof StoryInput>;
export const StoryOutput = z.object({ story: z.string().min(20).max(900) });
export type StoryOutput = z.infer<typeof StoryOutput>;

/** "MOMENTS when I am watched" → "moments when I am watched": a policy read inside a sentence. */
function inSentence(policy: string): string {
  const [head = "", ...rest] = policy.trim().split(/\s+/);
  const lowered = head === head.toUpperCase() ? head.toLowerCase() : head;
  return [lowered, ...rest].join(" ").replace(/[.;]+$/, "");
}

/** Offline: a plain story built from the two cards' own words, so it never claims more than they say. */
export function composeStory(input: StoryInput): StoryOutput {
  const { from, to, contextTitle } = input;
  const before = from.policies[0] ? inSentence(from.policies[0]) : from.title.toLowerCase();
  const after = to.policies
    .filter((p) => !from.policies.includes(p))
    .slice(0, 2)
    .map(inSentence);
  const noticing = after.length > 0 ? after.join(", and to ") : to.title.toLowerCase();
  const story =
    `When it came to ${contextTitle.charAt(0).toLowerCase()}${contextTitle.slice(1)}, I used to care most about “${from.title}”: I watched for ${before}. ` +
    `Then I saw that this left something out. Now I also pay attention to ${noticing}, ` +
    `and I think “${to.title}” holds what I cared about before and more.`;
  return { story: story.slice(0, 900) };
}

export const upgradeStoryTask: Task<StoryInput, StoryOutput> = {
  name: "values.upgradeStory",
  instructions: [
    "You write a short, plausible first-person story (3-4 sentences, under 120 words) of a person who lived by value A",
    "and came to see value B as wiser in the given choice context. Use only what the two value cards say;",
    "do not invent facts, statistics, or claims about other people. Plain language; no moralising.",
    'Return JSON {"story": string}.',
  ].join(" "),
  input: StoryInput,
  output: StoryOutput,
  offline: composeStory,
};
