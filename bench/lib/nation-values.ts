/**
 * The synthetic polity's value cards for `npm run bench -- nation`, in the context "AI systems that
 * make decisions about people". A value joins two or three concerns (what a person attends to when a
 * system decides about people: a way to contest, reasons in plain words, her data kept…); each is
 * written by many citizens in a few wordings (descriptions and the policies she lists vary), and the
 * offline dedupe merges those into one canonical value. The offline dedupe reads concerns through a
 * lexicon of a few dozen concepts, so only about 120 two- and three-concern values stay apart in every
 * wording: the communities (`nationCommunity`) each have a value of their own and share the rest.
 *
 * Pure and deterministic: the same citizen always writes the same card.
 */
export const NATION_CONTEXT = {
  id: "nation-ai-decisions",
  title: "AI systems that make decisions about people",
  titleEt: "Tehisintellekti süsteemid, mis teevad inimeste kohta otsuseid",
  description: "Automated systems that grant or refuse benefits, loans, permits and services, or rank people for them.",
} as const;

interface Concern {
  /** Title nouns, a few wordings. */
  names: readonly [string, string];
  /** What she cares about, for "I care about {x}". */
  cares: readonly [string, string];
  /** Attentional policies. */
  policies: readonly [string, string];
  /** 1 narrow … 5 integrates the most concerns. */
  wisdom: number;
}

const CONCERNS: readonly Concern[] = [
  {
    names: ["Contestable decisions", "Contesting decisions"],
    cares: ["being able to push back against the decision", "a way to challenge the machine's decision"],
    policies: ["WAYS to reach a human who can change the outcome", "SIGNS that an appeal was actually read"],
    wisdom: 4,
  },
  {
    names: ["Plain explanations", "Reasons in plain words"],
    cares: ["reasons I can understand without a lawyer", "an explanation in plain words"],
    policies: ["MOMENTS when a decision letter explains the main reasons", "WORDS a pensioner understands without a lawyer"],
    wisdom: 3,
  },
  {
    names: ["Knowing a machine decided", "Being told a machine decided"],
    cares: ["being told that an automated system decided about me", "knowing when a machine made the call"],
    policies: ["MOMENTS when a person realizes a machine decided about them", "NOTICES that say an automated system was used"],
    wisdom: 3,
  },
  {
    names: ["Health data privacy", "Private medical records"],
    cares: ["my medical records staying with my doctor", "privacy of my health data"],
    policies: ["MOMENTS when health records are used to score a claim", "PERMISSION asked before medical data is shared with another agency"],
    wisdom: 3,
  },
  {
    names: ["Human dignity", "Dignity in welfare"],
    cares: ["being treated as a person, not a case number", "my dignity when I ask for help"],
    policies: ["MOMENTS when a person feels humiliated by the process", "CHANCES to tell one's own situation before a decision"],
    wisdom: 4,
  },
  {
    names: ["Equal treatment", "Treated equally"],
    cares: ["people in the same situation treated the same", "equal treatment whatever one's region or origin"],
    policies: ["PATTERNS of refusals by region or origin", "CASES alike that got different answers"],
    wisdom: 3,
  },
  {
    names: ["Timely decisions", "Decisions in good time"],
    cares: ["an answer in time to plan my life", "decisions that come before harm is done"],
    policies: ["WEEKS a family waits without money", "DEADLINES the authority keeps"],
    wisdom: 2,
  },
  {
    names: ["Correcting errors", "Mistakes put right"],
    cares: ["mistakes corrected quickly", "errors put right and learned from"],
    policies: ["WAYS a wrong record is corrected", "LESSONS taken from errors so they do not repeat"],
    wisdom: 5,
  },
  {
    names: ["Russian-language access", "Decisions in Russian"],
    cares: ["reading and answering decisions in Russian", "my home language when I deal with the state"],
    policies: ["CHANCES to receive the explanation in Russian", "MOMENTS when a translation error changes the meaning of a decision"],
    wisdom: 3,
  },
  {
    names: ["Human oversight", "A responsible official"],
    cares: ["a named official who answers for the decision", "a person, not only a machine, responsible for the outcome"],
    policies: ["OFFICIALS who sign and answer for a decision", "MOMENTS when no person checked a decision before it was sent"],
    wisdom: 4,
  },
  {
    names: ["Care for people without computers", "Access without a computer"],
    cares: ["people without computers served as well as others", "those who are not online"],
    policies: ["PEOPLE without internet who miss a letter", "WAYS to apply in person or on paper"],
    wisdom: 3,
  },
  {
    names: ["Consent to profiling", "Asked before profiling"],
    cares: ["being asked before I am profiled", "my consent before a system scores me"],
    policies: ["PERMISSION asked before a person is scored", "CHOICES to opt out of profiling"],
    wisdom: 3,
  },
  {
    names: ["Protecting children", "Children safe from scoring"],
    cares: ["children never ranked by a machine", "keeping children out of automated scoring"],
    policies: ["MOMENTS when a school pupil is ranked by an algorithm", "PARENTS told what data about their child was used"],
    wisdom: 4,
  },
  {
    names: ["Accurate matching", "Avoiding false matches"],
    cares: ["not being wrongly flagged by a false match", "accuracy of the system about people like me"],
    policies: ["FALSE matches that flag the wrong person", "ERROR rates for older people and minorities"],
    wisdom: 3,
  },
  {
    names: ["Deleting old data", "Data not kept forever"],
    cares: ["my data deleted when the case is closed", "old records not kept forever"],
    policies: ["RECORDS deleted once a case is closed", "YEARS that old data is retained without need"],
    wisdom: 3,
  },
  {
    names: ["Secure public systems", "Security of state systems"],
    cares: ["state systems that cannot be broken into", "the security of the registers that hold my data"],
    policies: ["BREACHES that expose citizens' records", "TESTS of a system's security before it goes live"],
    wisdom: 2,
  },
  {
    names: ["Fair fraud checks", "Not treated as a fraudster"],
    cares: ["not being treated as a fraudster by default", "fraud checks that do not punish honest people"],
    policies: ["SUSPICION cast on honest claimants by a fraud score", "PENALTIES imposed before a person is heard"],
    wisdom: 3,
  },
  {
    names: ["Independent oversight", "An independent watchdog"],
    cares: ["an independent body that checks the system", "oversight by people the authority does not control"],
    policies: ["AUDITS by an independent body", "POWERS of a watchdog to stop a harmful system"],
    wisdom: 4,
  },
  {
    names: ["A say in design", "Citizens shaping the system"],
    cares: ["citizens having a say in how the system is built", "the people affected taking part in its design"],
    policies: ["CHANCES for affected people to test a system before launch", "VOICES of users heard when rules are written"],
    wisdom: 4,
  },
  {
    names: ["Court review", "Access to a court"],
    cares: ["the right to take a decision to court", "a judge who can review what the machine did"],
    policies: ["WAYS to take an automated decision to court", "COSTS that keep people from going to court"],
    wisdom: 3,
  },
  {
    names: ["Training data transparency", "Knowing what a system learned from"],
    cares: ["knowing what data the system was trained on", "openness about the data a model learned from"],
    policies: ["SOURCES of the data a model was trained on", "BIASES carried over from old decisions into training data"],
    wisdom: 3,
  },
  {
    names: ["Safety of vulnerable people", "Protecting the vulnerable"],
    cares: ["the safety of people in a crisis", "protection for those who cannot defend themselves"],
    policies: ["MOMENTS when a refusal leaves a person without shelter", "PEOPLE in a crisis who cannot fill in a form"],
    wisdom: 4,
  },
  {
    names: ["Data sharing limits", "Limits on sharing data"],
    cares: ["limits on which agencies see my data", "my data not passed between offices"],
    policies: ["AGENCIES that receive data they do not need", "PURPOSES beyond the one the data was given for"],
    wisdom: 3,
  },
  {
    names: ["Help from a person", "Someone to help me"],
    cares: ["a person who helps me through the process", "help from a caseworker when I am stuck"],
    policies: ["CASEWORKERS who help a person apply", "MOMENTS when a person gives up without help"],
    wisdom: 3,
  },
  {
    names: ["Unobserved daily life", "Not being watched"],
    cares: ["living without being watched by systems", "not being tracked in my daily life"],
    policies: ["CAMERAS that follow people through the day", "PLACES where a person can be unobserved"],
    wisdom: 4,
  },
  {
    names: ["Efficient public services", "Services that work quickly"],
    cares: ["public services that do not waste my time", "an office that works efficiently"],
    policies: ["HOURS a person spends on paperwork", "STEPS that could be skipped without harm"],
    wisdom: 2,
  },
];

/** A value: two or three concerns, as one card names them. */
export interface NationValue {
  /** "c{a}+c{b}" or "c{a}+c{b}+c{c}". */
  key: string;
  concerns: number[];
  wisdom: number;
}

export interface CardText {
  title: string;
  description: string;
  policies: string[];
}

/**
 * The values of the polity: pairs and triples of concerns that the offline gate lets in and the offline
 * dedupe keeps apart in every wording (WORDINGS), while it merges each value's wordings into one.
 * Chosen greedily from all pairs, then all triples, with deliberation/values/gate.ts and dedupe.ts as
 * they stood (bench/nation.ts reports how many canonical values intake actually made).
 */
const VALUE_KEYS = [
  "c0+c1",
  "c2+c3",
  "c3+c4",
  "c4+c5",
  "c5+c6",
  "c7+c8",
  "c8+c9",
  "c9+c10",
  "c10+c11",
  "c12+c13",
  "c14+c15",
  "c15+c16",
  "c16+c17",
  "c17+c18",
  "c18+c19",
  "c19+c20",
  "c20+c21",
  "c21+c22",
  "c22+c23",
  "c23+c24",
  "c25+c0",
  "c3+c5",
  "c6+c8",
  "c7+c9",
  "c10+c12",
  "c21+c23",
  "c22+c24",
  "c23+c25",
  "c24+c0",
  "c6+c9",
  "c8+c11",
  "c14+c17",
  "c15+c18",
  "c18+c22",
  "c20+c24",
  "c21+c25",
  "c25+c3",
  "c0+c5",
  "c5+c10",
  "c14+c19",
  "c17+c22",
  "c20+c25",
  "c1+c7",
  "c8+c14",
  "c18+c25",
  "c21+c2",
  "c0+c8",
  "c15+c23",
  "c21+c3",
  "c24+c6",
  "c8+c17",
  "c7+c17",
  "c12+c22",
  "c15+c25",
  "c21+c5",
  "c22+c6",
  "c24+c8",
  "c6+c17",
  "c20+c21+c24",
  "c1+c2+c6",
  "c4+c5+c11",
  "c10+c11+c17",
  "c18+c19+c25",
  "c5+c6+c13",
  "c3+c4+c16",
  "c4+c5+c17",
  "c1+c2+c16",
  "c12+c14+c16",
  "c18+c20+c22",
  "c17+c19+c24",
  "c6+c8+c14",
  "c9+c11+c17",
  "c4+c6+c14",
  "c12+c14+c25",
  "c9+c12+c13",
  "c17+c20+c21",
  "c2+c5+c7",
  "c12+c15+c17",
  "c18+c21+c23",
  "c16+c19+c22",
  "c11+c14+c20",
  "c0+c3+c11",
  "c0+c3+c17",
  "c2+c6+c7",
  "c6+c10+c11",
  "c14+c18+c20",
  "c7+c11+c14",
  "c10+c14+c20",
  "c4+c8+c19",
  "c9+c14+c15",
  "c10+c15+c20",
  "c6+c12+c16",
  "c12+c18+c24",
  "c4+c10+c18",
  "c2+c8+c17",
  "c12+c19+c21",
  "c9+c16+c21",
  "c12+c19+c24",
  "c3+c10+c20",
  "c11+c19+c22",
  "c8+c16+c21",
  "c1+c9+c19",
  "c4+c13+c20",
  "c1+c11+c12",
  "c8+c18+c22",
  "c5+c15+c24",
  "c10+c21+c23",
  "c3+c14+c24",
  "c10+c22+c25",
  "c8+c20+c25",
  "c0+c12+c21",
  "c1+c14+c20",
  "c0+c14+c22",
  "c3+c18+c23",
  "c0+c16+c20",
  "c0+c17+c21",
  "c3+c21+c24",
  "c0+c19+c21",
  "c0+c20+c21",
];

export function nationValues(): NationValue[] {
  return VALUE_KEYS.map((key) => {
    const concerns = key.split("+").map((c) => Number(c.slice(1)));
    return { key, concerns, wisdom: Math.round(concerns.reduce((s, c) => s + CONCERNS[c]!.wisdom, 0) / concerns.length) };
  });
}

const AREAS = [
  "my housing benefit",
  "my bank loan",
  "my child's school place",
  "my job application",
  "my tax audit",
  "my pension",
  "my residence permit",
  "my unemployment support",
  "my disability support",
  "my student grant",
  "my building permit",
  "my place on a hospital waiting list",
  "my family benefit",
  "my farm subsidy",
  "my mother's care home place",
  "my kindergarten place",
  "my social flat",
  "my driving licence",
  "my scholarship",
  "my energy support",
];

const DESCRIPTIONS = [
  (area: string, x: string, y: string) => `When a system decides about ${area}, I care about ${x} and about ${y}.`,
  (area: string, x: string, y: string) => `What matters to me when a machine decides about ${area} is ${x}, and ${y}.`,
  (area: string, x: string, y: string) => `For ${area} I want ${x}; and I want ${y}.`,
];

/** The card `variant` (any non-negative integer) of a value: the same value in one of VARIANTS wordings. */
export function nationCard(value: NationValue, variant: number): CardText {
  const [first, second, third] = value.concerns.map((c) => CONCERNS[c]!);
  const names = value.concerns.length === 2 ? [first!.names[0], second!.names[0]] : [first!.names[0], second!.names[0], third!.names[0]];
  let title = names.length === 2 ? `${names[0]} and ${names[1]!.toLowerCase()}` : `${names[0]}, ${names[1]!.toLowerCase()} and ${names[2]!.toLowerCase()}`;
  if (title.length > 80) title = `${first!.names[1]} and ${second!.names[1].toLowerCase()}`;
  const area = AREAS[value.concerns.reduce((s, c) => s * 7 + c, 0) % AREAS.length]!;
  const description = DESCRIPTIONS[variant % DESCRIPTIONS.length]!(area, first!.cares[0], second!.cares[Math.floor(variant / 3) % 2]!);
  // Every concern's policies; with three concerns, the first of each.
  const policies =
    value.concerns.length === 2
      ? [first!.policies[0], first!.policies[1], second!.policies[0], second!.policies[1]]
      : [first!.policies[0], second!.policies[0], third!.policies[0], first!.policies[1]];
  // One left out, in some variants; the order is hers.
  const dropped = Math.floor(variant / 6) % 2 === 1 ? policies.slice(0, 3) : policies;
  return { title, description, policies: Math.floor(variant / 12) % 2 === 0 ? dropped : [...dropped.slice(2), ...dropped.slice(0, 2)] };
}

/** The wordings (variants of `nationCard`) citizens write a value in. */
export const WORDINGS = [0, 1, 2, 6] as const;

export const CONCERN_COUNT = CONCERNS.length;

/** Communities of the polity: as many as the deliberation has seats. */
export const COMMUNITIES = 101;

export interface CitizenPlan {
  community: number;
  /** The value she writes a card of, and its wording. */
  writes: NationValue;
  wording: number;
  /** Values of her community (and now and then another's) she endorses, in order, if offered. */
  endorses: NationValue[];
}

/** Deterministic hash of two integers into [0, 1). */
function draw(i: number, salt: number): number {
  let h = Math.imul(i ^ 0x9e3779b9, 0x85ebca6b) ^ Math.imul(salt + 1, 0xc2b2ae35);
  h ^= h >>> 15;
  h = Math.imul(h, 0x2c1b3c6d);
  h ^= h >>> 12;
  h = Math.imul(h, 0x297a2d39);
  h ^= h >>> 15;
  return (h >>> 0) / 2 ** 32;
}

/**
 * Participant `i` (0-based): her community (sizes fall gently with rank, the largest about 3 times the
 * smallest), her card (the community's own value, one time in seven the value it shares with a few
 * other communities), and what she endorses (the other of the two three times in ten, and one time in
 * twenty anyone's value).
 */
export function nationCitizen(i: number, values: readonly NationValue[]): CitizenPlan {
  const own = Math.min(COMMUNITIES, values.length - 1);
  const shared = values.length - own;
  // Sizes ∝ 1 / (rank + 20): community c is drawn by inverting the cumulative share.
  const u = draw(i, 1);
  const weights = cumulative();
  let community = 0;
  while (community < own - 1 && weights[community]! < u) community++;
  const core = values[community]!;
  const broad = values[own + (community % shared)]!;
  const writesCore = draw(i, 2) >= 1 / 7;
  const writes = writesCore ? core : broad;
  const endorses: NationValue[] = [];
  if (!writesCore || draw(i, 3) < 0.3) endorses.push(writesCore ? broad : core);
  if (draw(i, 4) < 0.05) endorses.push(values[Math.floor(draw(i, 5) * values.length)]!);
  return { community, writes, wording: WORDINGS[Math.floor(draw(i, 6) * WORDINGS.length)]!, endorses };
}

let shares: number[] | null = null;
function cumulative(): number[] {
  if (shares) return shares;
  const raw = Array.from({ length: COMMUNITIES }, (_, c) => 1 / (c + 20));
  const total = raw.reduce((s, x) => s + x, 0);
  let sum = 0;
  shares = raw.map((x) => (sum += x / total));
  return shares;
}
