/**
 * The dedupe's curated lexicon (DESIGN.md, "Why thick values": near-duplicate cards are merged): the
 * concepts value cards attend to, in English, Estonian and Russian (the Russian forms are in
 * reading/lexicon-ru.ts), and the antonym traps between them. Data
 * only: `concepts.ts` reads a card's words against it, `dedupe.ts` compares cards.
 *
 * A concept is a language-neutral id. Words that name it in either language meet at that id, so
 * "heard", "a hearing" and "ärakuulamine" are one thing to the dedupe, and an English and an Estonian
 * card of one value share their concepts where they share no word.
 *
 * Most concepts are the clause reader's (deliberation/reading/lexicon.ts): `reader` names the reader
 * concepts whose forms (and `except` forms) a dedupe concept takes, so the two never drift apart. The
 * forms here add only what the reader does not need: the words citizens use for a value rather than
 * a clause's legal wording ("understand", "fight it", "the right to be forgotten"), and the concepts
 * a clause never names but values do (being seen, comfort, addictive design).
 *
 * Form syntax is the reader's: lower case, space-separated words; a word matches any word that starts
 * with it (`explain` → "explained"), `=word` matches that word only, `…` stands for up to three words
 * in between. Where forms of two concepts match at one place, the longer match wins, then the concept
 * listed first here (so a dedupe form outranks a reader form of the same length).
 */

import { RU_DEDUPE_FORMS } from "../reading/lexicon-ru.js";

export interface DedupeConcept {
  /** Internal id, never shown to a person. */
  readonly id: string;
  /** Reader concepts (lexicon.ts keys) whose forms this concept takes. */
  readonly reader?: readonly string[];
  readonly en?: readonly string[];
  readonly et?: readonly string[];
  readonly ru?: readonly string[];
  /** Forms that look like this concept but are not it. */
  readonly except?: { readonly en?: readonly string[]; readonly et?: readonly string[]; readonly ru?: readonly string[] };
  /**
   * A topic (whom or what a value is about: children, data, the police), not what it attends to: two
   * values about one topic are not the same for that. The reader's `scope` concepts are topics too.
   */
  readonly topic?: true;
}

/**
 * Two sides of the field that share words but pull apart: a card that leans to one side and a card
 * that leans to the other are not the same value however many words they share.
 */
export interface AntonymTrap {
  readonly id: string;
  readonly a: readonly string[];
  readonly b: readonly string[];
  /** Why the two sides are different values: for a reviewer. */
  readonly why: string;
}

const BASE_DEDUPE_CONCEPTS: readonly DedupeConcept[] = [
  // ───────────────── concepts of values that the reader does not need, or needs otherwise ─────────────────
  {
    id: "hearing",
    en: ["=heard", "=hear", "=hears", "hearing", "listen to me", "listens to me", "listened to", "=say in", "put my case"],
    et: ["ärakuula", "ära kuula", "ära kuulatud", "kuulata ära", "kuulamine", "kuulamise", "kuulab", "kuulata", "oma seisukoh", "oma poolt rääki"],
  },
  {
    id: "unobserved",
    reader: ["anonymity"],
    en: [
      "unobserved",
      "unwatched",
      "untracked",
      "unrecorded",
      "not watched",
      "not being watched",
      "freedom from being watched",
      "freedom from being tracked",
      "freedom from surveillance",
      "free from surveillance",
      "free from being watched",
      "without being watched",
      "without being seen",
      "nobody watching",
      "no one watching",
      "without cameras",
      "privacy",
      "private life",
      "=private",
      "go about",
      "knowing who i am",
      "know who i am",
      "knows who i am",
    ],
    et: [
      "vabadus jälgimisest",
      "vabadus jälgimise",
      "vaba jälgimisest",
      "jälgimatu",
      "jälgimata",
      "jälgimatult",
      "privaatsus",
      "eraelu",
      "märkamatu",
      "teaksid, kes ma olen",
      "teavad, kes ma olen",
      "keegi ei jälgi",
    ],
  },
  {
    id: "visibility",
    en: [
      "being seen",
      "=be seen",
      "=seen by",
      "=counted",
      "count us",
      "count me",
      "=be known",
      "know we exist",
      "know i exist",
      "=visible",
      "invisible",
      "overlooked",
      "fall through the cracks",
      "falls through the cracks",
      "missing from",
      "left out of",
      "recognised as",
      "recognized as",
      "get to know",
    ],
    et: [
      "nähtav",
      "nähtamatu",
      "märgatud",
      "märgataks",
      "märkaks",
      "arvesse võet",
      "arvesse võtta",
      "kahe silma vahele",
      "välja jää",
      "loetaks",
      "teaksid, et me",
    ],
  },
  {
    // Finding someone who is lost: the reader's goal, with the verbs of finding.
    id: "missing",
    reader: ["missing"],
    en: ["=find", "=finds", "=finding", "=found", "=locate", "=locates", "=located", "=locating", "=spot", "=spotted", "=search for", "disappear", "=runaway"],
    et: [
      "=leida",
      "=leidmine",
      "=leidmise",
      "=leidmiseks",
      "=leidmist",
      "=leiab",
      "=leitakse",
      "=leitaks",
      "üles leid",
      "kaob",
      "=kaovad",
      "otsingu",
      "otsimis",
    ],
    except: {
      en: ["find out", "found out", "finds out", "find comfort", "finds comfort", "found comfort", "find it hard", "find it easy"],
      et: ["leiab … lohutust", "lohutust"],
    },
  },
  {
    // Understanding is why a person asks for the reasons: "understanding automated decisions".
    id: "explanation",
    reader: ["explanation"],
    en: ["understand", "understood", "make sense of", "comprehen", "how and why", "no one can say why", "=follow", "in plain"],
    et: ["mõist", "aru saa", "saab aru", "saan aru", "aru saada", "=miks", "lihtsas keeles"],
    except: { en: ["follow where", "follow me", "follow her", "follow him", "follow them"], et: ["ei saa aru, kas"] },
  },
  {
    id: "appeal",
    reader: ["appeal"],
    en: ["contestab", "challengeab", "=fight", "=fights", "overturn", "object to", "lodge", "=reverse", "push back", "stand up to", "=undo"],
    et: ["vaidlust", "kaeba", "vaidle", "tühista", "vastu haka", "ümber pöör"],
  },
  {
    id: "human",
    reader: ["human"],
    en: ["=person decides", "a person decides", "human decides", "human being", "=official", "caseworker", "=weighed", "=looks at", "looked at again"],
    et: ["inimene otsustab", "inimene otsustaks", "ametnik", "inimese poolt"],
    except: { en: ["=official statistics"], et: [] },
  },
  {
    id: "automated",
    reader: ["automated"],
    en: [
      "software decid",
      "machines decid",
      "computers decid",
      "decided automatically",
      "decide automatically",
      "automated decision",
      "automated refusal",
      "=automation",
      "=automate",
    ],
    et: ["masin otsustab", "masin otsustas", "masin teeb", "automaatsete otsuste", "automaatsed otsused", "automaatselt"],
  },
  {
    id: "deletion",
    reader: ["deletion"],
    en: ["forgotten", "be forgotten", "=wiped", "=purged", "=erased", "no longer needed", "no longer need"],
    et: ["kustut", "unustat", "hävita", "enam ei vajata"],
  },
  {
    id: "retention",
    reader: ["retention"],
    en: ["=preserve", "=preserves", "=preserved", "=kept", "records kept", "keep records", "keeping records", "=archive", "=archives", "long enough"],
    et: ["säilit", "alles", "piisavalt kaua", "arhiiv"],
  },
  {
    id: "access",
    reader: ["access"],
    en: ["=access", "free access", "=available", "able to use", "get to use", "=afford", "look at all", "=open to"],
    et: ["ligipääs", "juurdepääs", "kättesaadav", "saama kasutada", "saaks kasutada", "kasutada häid"],
  },
  {
    // A power kept within bounds: a value that accepts a power only so far attends to the bounds.
    id: "limits",
    en: [
      "an end",
      "=narrow",
      "only for",
      "only that",
      "stops when",
      "ends when",
      "set time",
      "time limit",
      "=named",
      "a name",
      "stays an exception",
      "exception stays",
      "no further",
      "no longer than",
      "within bounds",
      "=bounded",
      "=limited",
      "=limit",
      "=limits",
    ],
    et: ["piiratud", "piiritletud", "kitsas", "kitsa", "ainult selle", "ainult ühe", "lõpeb", "tähtaeg", "nimeline", "nimega", "erandiks", "mitte kauem"],
  },
  {
    id: "protection",
    en: ["protect", "shield", "=guard", "=guarded", "safe from", "kept away from", "=safeguard", "=spared"],
    et: ["kaitse", "kaits", "hoitud", "eest hoi", "varju"],
  },
  {
    id: "addictive",
    en: ["addict", "hook", "scrolling", "=scroll", "endless", "autoplay", "compulsive", "binge", "past bedtime", "up past", "for hours", "attention"],
    et: ["sõltuv", "konks", "kerima", "keriva", "kerivad", "lõputu", "magamamineku", "tundide kaupa", "tähelepanu", "ärkvel"],
  },
  {
    id: "learning",
    topic: true,
    en: ["learn", "education", "homework", "own pace", "=study", "tutor", "=lesson", "=lessons"],
    et: ["õpi", "õppi", "õppe", "haridus", "kodutöö", "omas tempos", "=tund", "=tunnis", "eratund"],
  },
  {
    id: "comfort",
    en: ["comfort", "lonely", "loneliness", "isolated", "companion", "company", "feel heard", "feels heard", "someone to talk to", "a voice to talk to"],
    et: ["lohut", "üksild", "üksi", "eraldatud", "seltsi", "kellegagi rääkida", "rääkida kellegagi"],
  },
  {
    id: "machine-nature",
    reader: ["machine-nature"],
    en: [
      "pretend",
      "posing as",
      "passes itself off",
      "=is a bot",
      "=a bot",
      "chatting with a bot",
      "talk to a machine",
      "talking to a machine",
      "speaking to a machine",
      "is software",
      "it is software",
      "think an ai is",
      "is an ai",
      "is human",
      "=if it is human",
      "=whether it is human",
      "real person",
      "a person or",
      "say they are",
      "says it is",
    ],
    et: ["teeskle", "masinaga", "robotiga", "on inimene", "kas see on inimene", "mitte inimesega", "tehisintellekt", "varjab"],
  },
  {
    id: "chatbot",
    topic: true,
    en: ["chatbot", "=bot", "=bots", "assistant", "virtual agent", "chat"],
    et: ["vestlusrobot", "juturobot", "robot", "virtuaalassistent", "vestle"],
  },
  {
    id: "policing",
    topic: true,
    en: ["police", "policing", "patrol", "crime", "officer", "law enforcement"],
    et: ["politsei", "patrull", "kuritegu", "kuritegevus", "kuritegude", "korrakaitse"],
  },
  {
    id: "accuracy",
    reader: ["accuracy"],
    en: ["unfair", "=fair", "=fairly", "=equally", "=mistakes", "=mistake", "=minorities", "different groups", "=biased"],
    et: ["ebaõiglas", "õiglas", "eri rühma", "vähemus", "ekslik"],
  },
  {
    id: "decision",
    topic: true,
    en: ["decision", "=decide", "=decides", "=decided", "verdict", "outcome", "=ruling"],
    et: ["otsus", "otsust", "otsuse", "otsuseid", "otsustab", "otsustas"],
  },
  {
    id: "data",
    topic: true,
    en: ["=data", "=records", "=record", "information about me", "=file", "=files", "personal data"],
    et: ["andme", "toimik", "teave", "teavet"],
  },
  {
    id: "welfare",
    topic: true,
    en: ["benefit", "=payment", "=payments", "welfare", "=allowance", "social support", "=support"],
    et: ["toetus", "toetust", "toetuse", "sotsiaal", "hüvitis", "abiraha"],
  },
  {
    id: "efficiency",
    reader: ["efficiency", "timeliness"],
    en: ["routine", "=quick", "=quickly", "=fast", "=wait", "=waits", "=waiting", "=weeks", "=speed", "=simple"],
    et: ["rutiin", "kiire", "kiiresti", "ootama", "ootab", "nädalaid", "lihtne", "lihtsa"],
  },
  {
    id: "penalty",
    reader: ["penalty"],
    en: ["benefits are cut", "benefit is cut", "benefits cut", "=cut", "=cuts", "stops … benefit", "stop … payment", "=sanctioned"],
    et: ["kärbi", "kärpi", "vähenda", "karist", "sanktsio"],
  },

  // ───────────────── the reader's concepts, as they are ─────────────────
  ...[
    "identification",
    "surveillance",
    "emotion",
    "sharing",
    "training",
    "profiling",
    "attributes",
    "marketing",
    "generated",
    "collection",
    "correction",
    "notice",
    "labelling",
    "takedown",
    "consent",
    "court",
    "oversight",
    "language",
    "channels",
    "age-check",
    "teacher",
    "participation",
    "reliance",
    "own-effort",
    "parody",
    "assistance",
    "safety",
    "security",
    "fraud",
    "public",
    "protest",
    "elections",
    "press",
    "border",
    "health",
  ].map((key) => ({ id: key, reader: [key] })),
  {
    id: "children",
    reader: ["children", "young-children", "older-pupils"],
    en: ["=kids", "young users", "=child's", "children's"],
    et: ["lapsed", "lapsi", "noori kasutajaid"],
  },
];

for (const id of Object.keys(RU_DEDUPE_FORMS)) if (!BASE_DEDUPE_CONCEPTS.some((c) => c.id === id)) throw new Error(`Russian forms for no dedupe concept ${id}`);

/** The dedupe's concepts with their own Russian forms (lexicon-ru.ts); reader concepts bring theirs through `reader`. */
export const DEDUPE_CONCEPTS: readonly DedupeConcept[] = BASE_DEDUPE_CONCEPTS.map((c) => {
  const ru = RU_DEDUPE_FORMS[c.id];
  return ru ? { ...c, ru: ru.ru, ...(ru.except ? { except: { ...c.except, ru: ru.except } } : {}) } : c;
});

export const ANTONYM_TRAPS: readonly AntonymTrap[] = [
  {
    id: "understand-contest",
    a: ["explanation"],
    b: ["appeal"],
    why: "Understanding a decision asks for its reasons; contesting it asks for a way to change it. A citizen may want one without the other.",
  },
  {
    id: "find-track",
    a: ["missing"],
    b: ["surveillance"],
    why: "Finding a lost person asks for the power to search; not being tracked asks for its absence.",
  },
  {
    id: "seen-unobserved",
    a: ["visibility"],
    b: ["unobserved"],
    why: "Being seen and counted by the state and being left unobserved by it pull in opposite directions.",
  },
  {
    id: "keep-delete",
    a: ["retention"],
    b: ["deletion"],
    why: "Keeping records (as evidence, as memory) and having them deleted are opposite asks of one archive.",
  },
  {
    id: "human-machine",
    a: ["human"],
    b: ["automated"],
    why: "A person deciding and a machine deciding are the two answers to one question.",
  },
  {
    id: "access-protection",
    a: ["access"],
    b: ["protection"],
    why: "Access to a thing (data, apps, services) and protection from it share their nouns and nothing else.",
  },
  {
    id: "comfort-disclosure",
    a: ["comfort"],
    b: ["machine-nature"],
    why: "Comfort from a machine's company and being told it is a machine attend to different moments of one conversation.",
  },
  {
    id: "fairness-efficiency",
    a: ["accuracy"],
    b: ["efficiency"],
    why: "Testing a tool for bias and errors and using it to do more with less are different asks of it.",
  },
  {
    id: "safety-anonymity",
    a: ["safety"],
    b: ["unobserved"],
    why: "Protection from danger may want the power that anonymity wants absent.",
  },
];
