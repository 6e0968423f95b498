import { DEMO_CARDS, DEMO_CONTEXTS, DEMO_ENDORSEMENTS, judgmentAnswer } from "../db/demo-values.js";
import { isDomainError } from "../deliberation/errors.js";
import type { Role } from "../deliberation/roles.js";
import type { SessionUser } from "./services/accounts.server.js";
import { startDeliberation } from "./services/deliberation.server.js";
import { publishRuling } from "./services/registry-log.server.js";
import { castVote, closeBallot, openBallot } from "./services/room.server.js";
import type { AppDeps } from "./services/deps.server.js";
import { convene } from "./services/convening.server.js";
import { addAlternative, proposeAmendment } from "./services/clauses.server.js";
import { openMatter } from "./services/matters.server.js";
import { endorse, judge, submitCard } from "./services/values.server.js";

/** The plan may ask twice for what a citizen already did (or holds); the service says so, and that is fine. */
function ignoreConflict(error: unknown): void {
  if (!(isDomainError(error) && error.kind === "conflict")) throw error;
}

/** How many citizens judge each demo pair: enough that agreed edges pass the moral graph's filter. */
const JUDGES_PER_PAIR = 9;

/**
 * The demo polity's values, put in through the same services citizens use: the gate classifies each
 * card, near-duplicates join their canonical value, new values get wiser-than pairs with stories,
 * then endorsements and judgments arrive and the moral graphs are computed.
 */
export async function seedDemoValues(deps: AppDeps, onProgress?: (step: string, done: number, total: number) => void) {
  const now = deps.clock.now().toISOString();
  await deps.db.transaction().execute((trx) =>
    trx
      .insertInto("contexts")
      .values(
        DEMO_CONTEXTS.map((c) => ({
          id: c.id,
          title: c.title,
          titleEt: c.titleEt,
          titleRu: c.titleRu,
          description: c.description,
          descriptionEt: c.descriptionEt,
          descriptionRu: c.descriptionRu,
          createdAt: now,
        })),
      )
      .execute(),
  );

  const citizens = await deps.db
    .selectFrom("citizens")
    .leftJoin("users", "users.citizenId", "citizens.id")
    .select(["citizens.id", "citizens.email", "users.id as userId"])
    .execute();
  const byEmail = new Map(citizens.map((c) => [c.email, c]));
  const citizenUser = (index: number): SessionUser => {
    const record = byEmail.get(`citizen${index}@demo.agora`);
    if (!record) throw new Error(`demo citizen ${index} is not in the registry`);
    return { id: record.userId ?? "system:seed", email: record.email ?? "", displayName: "", locale: "en", citizenId: record.id, roles: ["citizen"] as Role[] };
  };

  const canonicalOfCard: (string | null)[] = [];
  for (const [i, card] of DEMO_CARDS.entries()) {
    const result = await submitCard(deps, citizenUser(card.citizen), {
      contextId: card.contextId,
      title: card.title,
      description: card.description,
      policies: [...card.policies],
    });
    canonicalOfCard.push(result.canonical?.id ?? null);
    onProgress?.("values", i + 1, DEMO_CARDS.length);
  }

  for (const [i, plan] of DEMO_ENDORSEMENTS.entries()) {
    const canonicalId = canonicalOfCard[plan.cardIndex];
    if (!canonicalId) continue;
    // A citizen whose own card joined the same value already holds it.
    await endorse(deps, citizenUser(plan.citizen), canonicalId).catch(ignoreConflict);
    onProgress?.("endorsements", i + 1, DEMO_ENDORSEMENTS.length);
  }

  const wisdom = new Map<string, number>();
  DEMO_CARDS.forEach((card, i) => {
    const id = canonicalOfCard[i];
    if (id && !wisdom.has(id)) wisdom.set(id, card.wisdom);
  });
  const pairs = await deps.db.selectFrom("valuePairs").select(["id", "fromId", "toId"]).orderBy("createdAt").orderBy("id").execute();
  for (const [p, pair] of pairs.entries()) {
    for (let j = 0; j < JUDGES_PER_PAIR; j++) {
      const citizen = 13 + ((p * 7 + j * 11) % 60);
      const answer = judgmentAnswer(wisdom.get(pair.fromId) ?? 3, wisdom.get(pair.toId) ?? 3, citizen, p);
      await judge(deps, citizenUser(citizen), { pairId: pair.id, answer }).catch(ignoreConflict);
    }
    onProgress?.("judgments", p + 1, pairs.length);
  }
  await deps.graphs.settled();
  return { cards: DEMO_CARDS.length, pairs: pairs.length };
}

/** The matter of JOURNEYS.md, open for citizens' values on first start. */
export const DEMO_MATTER = {
  title: "Real-time biometric identification in public spaces",
  clauses: [
    "Real-time remote biometric identification of people in publicly accessible spaces is prohibited.",
    "The police may use it only to find a named missing child or a named victim of abduction, with a court's approval given for that search, for at most 48 hours and within a stated area.",
    "Every use is recorded in a public register within 24 hours: who authorised it, where, for how long, and why.",
    "Images and templates of people who are not the person sought are deleted at once and never used to train a system.",
  ],
  language: "en" as const,
  contextId: "biometric-identification-public-spaces",
  rationale:
    "Two cities have begun installing cameras with live face recognition in stations and squares, and no law says when they may be switched on. The government asks for an emergency rule within days.",
  emergency: true,
  intakeHours: 48,
  rounds: 3,
  candidates: 4,
  approvalThreshold: 0.6,
};

/** The clerk's narrower wording of the intake matter's contentious clause: the police exception. */
export const DEMO_ALTERNATIVE = {
  clause: 2,
  text: "The police may use it only to find a named missing child, with a court's approval given for each search, for at most 24 hours, and never at an assembly or a demonstration.",
};

interface DemoAmendment {
  citizen: number;
  action: "replace" | "strike" | "add";
  clause: number;
  text: string;
}

/** The published matter's amendments: a parent who does not want a child's mistakes kept (citizen 59), and a teacher (26). */
export const DEMO_PUBLISHED_AMENDMENTS: readonly DemoAmendment[] = [
  {
    citizen: 59,
    action: "add",
    clause: 2,
    text: "What the tutor records about a child shall be deleted at the end of each school year and shall not be passed on outside the school.",
  },
  { citizen: 26, action: "add", clause: 1, text: "The tutor shall give a child a hint before it gives the answer." },
];

/** The convened matter's amendments: corrections that reach Russian speakers (citizen 18, Ida-Viru), and room for satire (41). */
export const DEMO_CONVENED_AMENDMENTS: readonly DemoAmendment[] = [
  {
    citizen: 18,
    action: "add",
    clause: 3,
    text: "When a reported item is taken down or labelled, the electoral committee shall publish a correction in Estonian and in Russian within 24 hours.",
  },
  { citizen: 41, action: "add", clause: 3, text: "An item plainly marked as parody or satire shall not be taken down." },
];

/** Amendments demo citizens proposed during the intake, each tied to their own card in the matter's context. */
export const DEMO_AMENDMENTS: readonly DemoAmendment[] = [
  // Protesting without fear of being listed.
  { citizen: 46, action: "add", clause: 2, text: "No system may identify people taking part in an assembly or a demonstration." },
  // Not being mistaken for someone else: the register says how often the system is wrong.
  {
    citizen: 33,
    action: "replace",
    clause: 3,
    text: "Every use shall be recorded in a public register within 24 hours: who authorised it, where, for how long, why, and the system's rates of false matches and missed matches as measured by an independent laboratory.",
  },
  // Feeling safe in a crowd: an Estonian speaker, writing in the matter's language.
  {
    citizen: 35,
    action: "add",
    clause: 2,
    text: "The police may also use it to find a named person reported to carry a weapon at an event of more than 10,000 people, with a court's approval given for that search, for at most 6 hours and within the event's grounds.",
  },
];

/** A second matter, already convened by value communities: ready for a deliberation to start. */
export const DEMO_CONVENED_MATTER = {
  title: "Labelling AI-generated political advertising",
  clauses: [
    "Political advertising that contains images, audio or video generated or altered by AI carries a visible label saying so, in the language of the advertisement.",
    "The advertiser keeps the original material and the prompts used for one year and gives them to the electoral committee on request.",
    "In the last 14 days before an election, an unlabelled item reported to the electoral committee is reviewed within 24 hours and, if generated, taken down or labelled.",
  ],
  language: "en" as const,
  contextId: "ai-media-in-elections",
  rationale: "Deepfaked clips of two candidates circulated before the last local elections, and corrections reached few of the people who had seen them.",
  emergency: true,
  intakeHours: 24,
  rounds: 3,
  candidates: 4,
  approvalThreshold: 0.6,
};

/** A third matter, taken through its whole life by the seed: published, with a bundle that verifies. */
export const DEMO_PUBLISHED_MATTER = {
  title: "AI tutors that talk with children",
  clauses: [
    "An AI tutor used by a school tells the child, in words the child understands, that it is a machine.",
    "Parents can see what the tutor recorded about their child and have it deleted.",
    "A teacher reviews any recommendation the tutor makes about a child's schooling before it is acted on.",
  ],
  language: "en" as const,
  contextId: "ai-tutors-for-children",
  rationale: "Three municipalities are piloting AI tutors in primary schools; parents asked what the tutors may record and decide.",
  emergency: true,
  intakeHours: 24,
  rounds: 2,
  candidates: 3,
  approvalThreshold: 0.6,
};

async function userOf(deps: AppDeps, email: string, roles: Role[]): Promise<SessionUser> {
  const u = await deps.db.selectFrom("users").select(["id", "email", "displayName", "locale"]).where("email", "=", email).executeTakeFirstOrThrow();
  return { id: u.id, email: u.email, displayName: u.displayName, locale: u.locale, citizenId: null, roles };
}

export async function seedDemoMatters(deps: AppDeps) {
  const user = await userOf(deps, "clerk@demo.agora", ["clerk"]);
  // Its whole life, through the same services people use: convened by districts, deliberated by the
  // offline engine, ratified by three of the five delegates, published into the registry's log.
  const published = await openMatter(deps, user, { ...DEMO_PUBLISHED_MATTER, startIntake: true });
  await seedDemoOptions(deps, user, published.id, [], DEMO_PUBLISHED_AMENDMENTS);
  await convene(deps, user, published.id, "districts", { confirmEarly: true });
  await startDeliberation(deps, user, published.id);
  await deps.deliberations.settled(published.id);
  await openBallot(deps, user, published.id);
  for (const [i, choice] of (["ratify", "ratify", "ratify", "abstain"] as const).entries()) {
    const delegate = await userOf(deps, `delegate${i + 1}@demo.agora`, ["delegate"]);
    await castVote(deps, delegate, published.id, choice, i === 0 ? "It keeps a teacher between the machine and the child." : undefined);
  }
  await closeBallot(deps, user, published.id);
  await publishRuling(deps, user, published.id);

  const convened = await openMatter(deps, user, { ...DEMO_CONVENED_MATTER, startIntake: true });
  await seedDemoOptions(deps, user, convened.id, [], DEMO_CONVENED_AMENDMENTS);
  await convene(deps, user, convened.id, "value-communities", { confirmEarly: true });
  const intake = await openMatter(deps, user, { ...DEMO_MATTER, startIntake: true });
  await seedDemoOptions(deps, user, intake.id, [DEMO_ALTERNATIVE], DEMO_AMENDMENTS);
  return { intake: intake.id, convened: convened.id, published: published.id };
}

/** A matter's options: the clerk's alternatives, and the demo citizens' amendments through the service citizens use. */
async function seedDemoOptions(
  deps: AppDeps,
  clerk: SessionUser,
  matterId: string,
  alternatives: readonly { clause: number; text: string }[],
  amendments: readonly DemoAmendment[],
) {
  for (const alternative of alternatives) await addAlternative(deps, clerk, { matterId, ...alternative });
  const matter = await deps.db.selectFrom("matters").select("contextId").where("id", "=", matterId).executeTakeFirstOrThrow();
  for (const amendment of amendments) {
    const card = await deps.db
      .selectFrom("valueCards as v")
      .innerJoin("citizens as c", "c.id", "v.citizenId")
      .leftJoin("users as u", "u.citizenId", "c.id")
      .select(["v.id", "c.id as citizenId", "c.email", "u.id as userId"])
      .where("c.email", "=", `citizen${amendment.citizen}@demo.agora`)
      .where("v.contextId", "=", matter.contextId)
      .where("v.status", "=", "active")
      .where("v.verdict", "=", "value")
      .orderBy("v.createdAt")
      .orderBy("v.id")
      .executeTakeFirst();
    if (!card) throw new Error(`demo citizen ${amendment.citizen} has no value card in ${matter.contextId}`);
    const citizen: SessionUser = {
      id: card.userId ?? "system:seed",
      email: card.email ?? "",
      displayName: "",
      locale: "en",
      citizenId: card.citizenId,
      roles: ["citizen"],
    };
    await proposeAmendment(deps, citizen, { matterId, action: amendment.action, clause: amendment.clause, text: amendment.text, cardId: card.id });
  }
}
