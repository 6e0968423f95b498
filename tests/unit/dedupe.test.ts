import { describe, expect, it } from "vitest";
import { createOfflineEngine } from "../../deliberation/llm/offline.js";
import type { LlmCallRecord } from "../../deliberation/llm/port.js";
import {
  cardTokens,
  createCanonicalIndex,
  DEFAULT_DEDUPE_THRESHOLD,
  cardConcepts,
  findCanonical,
  sameValue,
  sameValueTask,
  similarity,
  stemEnglish,
  stemEstonian,
  type CanonicalCard,
  type DedupeCard,
} from "../../deliberation/values/dedupe.js";
import { prng as mulberry32 } from "../../deliberation/random.js";
import { ANTONYM_TRAPS, DEDUPE_CONCEPTS } from "../../deliberation/values/synonyms.js";

/** Value cards as citizens might write them, in two contexts, in English and Estonian. */
const CARDS = {
  // Facial recognition in public space.
  unobserved: {
    title: "Being unobserved in ordinary life",
    policies: [
      "MOMENTS when I realise I am being watched in public",
      "PLACES where people can go about their day without being recorded",
      "SIGNS that cameras are identifying faces in a crowd",
    ],
  },
  freedom: {
    title: "Freedom from being watched in public",
    policies: [
      "MOMENTS when people notice cameras watching them in public places",
      "SPACES in ordinary life where nobody records who I am",
      "SIGNS that faces in a crowd are being identified",
    ],
  },
  safety: {
    title: "Safety in crowds",
    policies: [
      "MOMENTS when police arrive too late to an incident in a crowd",
      "SIGNS that response times in busy public places are getting longer",
      "WAYS cameras help find a missing child quickly",
    ],
  },
  // Automated decisions about people.
  contestable: {
    title: "Contestable automated decisions",
    policies: [
      "MOMENTS when a person realizes a machine decided about them",
      "WAYS to reach a human who can change the outcome",
      "CHANCES to see the reasons behind a decision",
    ],
  },
  challenge: {
    title: "Being able to challenge decisions made by machines",
    policies: [
      "MOMENTS when a machine decides about a person without them knowing",
      "WAYS to reach a human who can reverse the outcome",
      "CHANCES to understand the reasons for a decision",
    ],
  },
  efficient: {
    title: "Efficient public services",
    policies: [
      "MOMENTS when a decision about benefits takes months",
      "WAYS machines can speed up routine decisions",
      "SIGNS that people wait in queues for simple answers",
    ],
  },
  // Chatbots.
  knowing: {
    title: "Knowing when I am talking to a machine",
    policies: [
      "MOMENTS when a chatbot pretends to be a person",
      "SIGNS that a system is hiding that it is an AI",
      "WAYS to ask a chatbot whether it is human and get a straight answer",
    ],
  },
  honest: {
    title: "Honest chatbots that say they are machines",
    policies: [
      "SIGNS that a system hides that it is an AI",
      "MOMENTS when I cannot tell whether the chatbot is a person",
      "WAYS to get a straight answer when I ask if it is human",
    ],
  },
  comfort: {
    title: "Comfort from companionship",
    policies: [
      "MOMENTS when a lonely person finds comfort talking to a chatbot",
      "FEELINGS of being heard late at night",
      "SIGNS that someone isolated has a voice to talk to",
    ],
  },
  // Children and apps.
  hooked: {
    title: "Children's attention protected from addictive design",
    policies: [
      "MOMENTS when an app keeps a child scrolling past bedtime",
      "SIGNS that a feed is designed to hook young users",
      "WAYS parents can set limits the app respects",
    ],
  },
  kids: {
    title: "Kids not hooked by addictive apps",
    policies: [
      "SIGNS that an app is designed to hook children",
      "MOMENTS when a child keeps scrolling past bedtime",
      "WAYS for parents to set limits that apps respect",
    ],
  },
  learning: {
    title: "Children's access to learning apps",
    policies: [
      "CHANCES for a child to learn with an app at their own pace",
      "WAYS apps can help children who struggle at school",
      "MOMENTS when a child gets curious and wants to explore further",
    ],
  },
  // Estonian: näotuvastus avalikus ruumis.
  jalgimatu: {
    title: "Jälgimatu igapäevaelu",
    policies: [
      "HETKED, kui ma märkan, et mind avalikus kohas jälgitakse",
      "KOHAD, kus inimesed saavad liikuda, ilma et neid salvestataks",
      "MÄRGID, et kaamerad tuvastavad rahvahulgas nägusid",
    ],
  },
  vabadus: {
    title: "Vabadus jälgimisest avalikus ruumis",
    policies: [
      "HETKED, kui inimesed märkavad, et kaamerad neid avalikus kohas jälgivad",
      "KOHAD igapäevaelus, kus keegi ei salvesta, kes ma olen",
      "MÄRGID, et rahvahulgas tuvastatakse nägusid",
    ],
  },
  turva: {
    title: "Turvalisus rahvahulgas",
    policies: [
      "HETKED, kui politsei jõuab sündmuskohale liiga hilja",
      "MÄRGID, et reageerimisaeg avalikes kohtades pikeneb",
      "VIISID, kuidas kaamerad aitavad kadunud last kiiresti leida",
    ],
  },
  // Estonian: automaatsed otsused.
  vaidlustatav: {
    title: "Vaidlustatavad automaatsed otsused",
    policies: [
      "HETKED, kui inimene saab aru, et masin otsustas tema kohta",
      "VIISID jõuda inimeseni, kes saab otsust muuta",
      "VÕIMALUSED näha otsuse põhjuseid",
    ],
  },
  oigus: {
    title: "Õigus masina otsus vaidlustada",
    policies: [
      "HETKED, kui masin otsustab inimese kohta tema teadmata",
      "VIISID pöörduda inimese poole, kes saab otsust muuta",
      "VÕIMALUSED mõista otsuse põhjuseid",
    ],
  },
  teenused: {
    title: "Tõhusad avalikud teenused",
    policies: [
      "HETKED, kui toetuse otsus võtab kuid",
      "VIISID, kuidas masinad kiirendavad rutiinseid otsuseid",
      "MÄRGID, et inimesed ootavad lihtsate vastuste järel järjekorras",
    ],
  },
  // Estonian: vestlusrobotid.
  teadmine: {
    title: "Teadmine, kas räägin masinaga",
    policies: [
      "HETKED, kui vestlusrobot teeskleb inimest",
      "MÄRGID, et süsteem varjab, et see on tehisintellekt",
      "VIISID küsida vestlusrobotilt, kas see on inimene",
    ],
  },
  ausus: {
    title: "Vestlusrobotite ausus masinaks olemise kohta",
    policies: [
      "MÄRGID, et süsteem varjab oma tehisintellekti olemust",
      "HETKED, kui ma ei saa aru, kas vestlusrobot on inimene",
      "VIISID saada otse vastus, kui küsin, kas see on inimene",
    ],
  },
  lohutus: {
    title: "Lohutus üksildastele",
    policies: [
      "HETKED, kui üksildane inimene leiab vestlusrobotiga rääkides lohutust",
      "TUNDED, et keegi kuulab hilisõhtul",
      "MÄRGID, et eraldatud inimesel on kellegagi rääkida",
    ],
  },
} satisfies Record<string, DedupeCard>;

type Name = keyof typeof CARDS;
const NAMES = Object.keys(CARDS) as Name[];

/**
 * The values among the cards: paraphrases and translations of one value. Each group should merge;
 * cards of different groups must not. (Before dedupe read concepts, an English card and its Estonian
 * translation could not meet offline, and the tests expected them apart: that was the limitation.)
 */
const VALUES: Name[][] = [
  ["unobserved", "freedom", "jalgimatu", "vabadus"],
  ["contestable", "challenge", "vaidlustatav", "oigus"],
  ["knowing", "honest", "teadmine", "ausus"],
  ["hooked", "kids"],
  ["safety", "turva"],
  ["efficient", "teenused"],
  ["comfort", "lohutus"],
  ["learning"],
];
const groupOf = (name: Name) => VALUES.findIndex((group) => group.includes(name));

/** Paraphrases of one value, in one language and across: should merge. */
const SAME: [Name, Name][] = VALUES.flatMap((group) => group.flatMap((a, i) => group.slice(i + 1).map((b): [Name, Name] => [a, b])));

/** Different values on the same topic: must not merge. */
const DIFFERENT: [Name, Name][] = [
  ["unobserved", "safety"],
  ["freedom", "safety"],
  ["contestable", "efficient"],
  ["challenge", "efficient"],
  ["knowing", "comfort"],
  ["honest", "comfort"],
  ["hooked", "learning"],
  ["kids", "learning"],
  ["jalgimatu", "turva"],
  ["vabadus", "turva"],
  ["vaidlustatav", "teenused"],
  ["oigus", "teenused"],
  ["teadmine", "lohutus"],
  ["ausus", "lohutus"],
  ["unobserved", "turva"],
  ["teadmine", "comfort"],
];

describe("cardTokens", () => {
  it("drops stopwords, punctuation and the policy heads, and stems", () => {
    const tokens = cardTokens(CARDS.unobserved);
    expect(tokens.language).toBe("en");
    expect(tokens.title).toEqual(["unobserv", "ordinari", stemEnglish("life")]);
    for (const dropped of ["moments", "moment", "places", "place", "signs", "sign", "when", "i", "am", "in", "the", "a"]) {
      expect(tokens.policies).not.toContain(dropped);
    }
    expect(tokens.policies).toEqual(expect.arrayContaining(["watch", "public", "record", "camera", "identifi", "crowd"]));
  });

  it("keeps a head word that is content rather than the policy's head", () => {
    const tokens = cardTokens({ title: "Quiet spaces", policies: ["MOMENTS of rest in public spaces", "CHANCES to find a place to think"] });
    expect(tokens.title).toContain(stemEnglish("spaces"));
    expect(tokens.policies).toEqual(expect.arrayContaining([stemEnglish("spaces"), stemEnglish("place")]));
    expect(tokens.policies).not.toContain(stemEnglish("moments"));
    expect(tokens.policies).not.toContain(stemEnglish("chances"));
  });

  it("handles Estonian: its letters, stopwords, heads and case endings", () => {
    const tokens = cardTokens(CARDS.vabadus);
    expect(tokens.language).toBe("et");
    expect(tokens.title).toEqual(["vaba", "jälg", "avalik", "ruum"]);
    for (const dropped of ["hetked", "kohad", "märgid", "kui", "et", "ma", "kus", "kes", "ei"]) expect(tokens.policies).not.toContain(dropped);
    expect(tokens.policies).toEqual(expect.arrayContaining(["kaamer", "jälg", "tuva", "nägu"]));
    expect(cardTokens({ title: "Õiglus ja võrdsus", policies: ["HETKED, kui šoti žürii otsustab", "VÕIMALUSED öelda ära üürileping"] })).toEqual({
      language: "et",
      title: ["õigl", "võrds"],
      policies: ["šoti", "žüri", "otsu", "öeld", "ära", "üürileping"],
    });
  });

  it("maps a word's usual forms to one stem", () => {
    const english = ["watch", "watched", "watching", "watches", "watcher"].map(stemEnglish);
    expect(new Set(english).size).toBe(1);
    expect(stemEnglish("identified")).toBe(stemEnglish("identify"));
    expect(stemEnglish("identification")).toBe(stemEnglish("identifies"));
    expect(stemEnglish("decision")).toBe(stemEnglish("decided"));
    expect(stemEnglish("protection")).toBe(stemEnglish("protecting"));
    expect(stemEnglish("children")).toBe(stemEnglish("child"));
    expect(stemEnglish("need")).toBe("need");

    const estonian = ["jälgimine", "jälgimise", "jälgimisest", "jälgitakse", "jälgivad", "jälgib", "jälgida"].map(stemEstonian);
    expect(new Set(estonian)).toEqual(new Set(["jälg"]));
    expect(new Set(["kaamera", "kaamerad", "kaamerate", "kaameraid", "kaameraga"].map(stemEstonian)).size).toBe(1);
    expect(new Set(["otsus", "otsuse", "otsust", "otsused", "otsuseid"].map(stemEstonian)).size).toBe(1);
    expect(new Set(["masin", "masina", "masinad", "masinaga"].map(stemEstonian)).size).toBe(1);
    // Stems keep at least four letters, and a double consonant keeps its last letter.
    expect(stemEstonian("koht")).toBe("koht");
    expect(stemEstonian("kontroll")).toBe("kontroll");
  });

  it("is deterministic and does not depend on case, punctuation or Unicode composition", () => {
    const card = CARDS.jalgimatu;
    expect(cardTokens(card)).toEqual(cardTokens(card));
    const shouted = { title: card.title.toUpperCase(), policies: card.policies.map((p) => `${p.toUpperCase()}!!!`) };
    expect(cardTokens(shouted)).toEqual(cardTokens(card));
    const decomposed = { title: card.title.normalize("NFD"), policies: card.policies.map((p) => p.normalize("NFD")) };
    expect(cardTokens(decomposed)).toEqual(cardTokens(card));
  });
});

describe("similarity", () => {
  it("is 1 for identical cards, English and Estonian", () => {
    for (const name of NAMES) expect(similarity(CARDS[name], { ...CARDS[name], policies: [...CARDS[name].policies] })).toBe(1);
  });

  it("ignores policy order and case; word order changes no word, and the card stays the same value", () => {
    expect(similarity(CARDS.freedom, { title: CARDS.freedom.title.toUpperCase(), policies: [...CARDS.freedom.policies].reverse() })).toBe(1);
    expect(similarity(CARDS.vabadus, { title: CARDS.vabadus.title.toUpperCase(), policies: [...CARDS.vabadus.policies].reverse() })).toBe(1);
    // Words in another order are the same words, but a phrase ("being watched") is read as a concept only in order.
    const reordered = {
      title: "In PUBLIC, freedom from being watched",
      policies: [
        "SIGNS THAT FACES ARE BEING IDENTIFIED IN A CROWD",
        "spaces where nobody records who I am, in ordinary life",
        "MOMENTS when cameras in public places, watching them, are noticed by people",
      ],
    };
    expect(cardTokens(reordered).title).toEqual(["public", "freedom", "watch"]);
    expect(new Set(cardTokens(reordered).policies)).toEqual(new Set(cardTokens(CARDS.freedom).policies));
    expect(sameValue(CARDS.freedom, reordered).same).toBe(true);
  });

  it("is symmetric and in [0, 1] for every pair", () => {
    for (const a of NAMES) {
      for (const b of NAMES) {
        const ab = similarity(CARDS[a], CARDS[b]);
        expect(ab).toBe(similarity(CARDS[b], CARDS[a]));
        expect(ab).toBeGreaterThanOrEqual(0);
        expect(ab).toBeLessThanOrEqual(1);
      }
    }
  });

  it.each(SAME)("finds paraphrases of one value the same value: %s ~ %s", (a, b) => {
    expect(sameValue(CARDS[a], CARDS[b])).toMatchObject({ same: true, traps: [], conceptMatch: true });
    expect(sameValue(CARDS[b], CARDS[a]).same).toBe(true);
  });

  it.each(DIFFERENT)("tells different values on the same topic apart: %s ≁ %s", (a, b) => {
    expect(sameValue(CARDS[a], CARDS[b]).same).toBe(false);
  });

  it("keeps every pair of different values apart, across topics and languages", () => {
    for (const a of NAMES) {
      for (const b of NAMES) {
        if (a >= b || groupOf(a) === groupOf(b)) continue;
        expect(sameValue(CARDS[a], CARDS[b]).same, `${a} ~ ${b}`).toBe(false);
      }
    }
  });

  it("is 0 when a card has no content words", () => {
    const empty = { title: "The one", policies: ["MOMENTS when", "WAYS to"] };
    expect(similarity(empty, empty)).toBe(0);
    expect(similarity(empty, CARDS.unobserved)).toBe(0);
  });
});

describe("findCanonical", () => {
  const canonicals: CanonicalCard[] = NAMES.map((name) => ({ id: name, ...CARDS[name] }));

  it.each(SAME)("merges %s into a card of its value, as %s is", (a, b) => {
    const others = (except: Name) => canonicals.filter((c) => c.id !== except);
    expect(groupOf(findCanonical(CARDS[a], others(a))?.id as Name)).toBe(groupOf(b));
    expect(groupOf(findCanonical(CARDS[b], others(b))?.id as Name)).toBe(groupOf(a));
    expect(findCanonical(CARDS[a], [{ id: b, ...CARDS[b] }])?.id).toBe(b);
  });

  it("returns the card itself with similarity 1 when it is already canonical", () => {
    expect(findCanonical(CARDS.turva, canonicals)).toEqual({ id: "turva", similarity: 1 });
  });

  it("returns null when nothing reaches the threshold", () => {
    const alone = canonicals.filter((c) => c.id !== "safety" && c.id !== "turva");
    expect(findCanonical(CARDS.safety, alone)).toBeNull();
    expect(findCanonical(CARDS.safety, [])).toBeNull();
  });

  it("honours the threshold given", () => {
    const s = similarity(CARDS.unobserved, CARDS.freedom);
    const only = [{ id: "freedom", ...CARDS.freedom }];
    expect(findCanonical(CARDS.unobserved, only, { threshold: s })).toEqual({ id: "freedom", similarity: s });
    expect(findCanonical(CARDS.unobserved, only, { threshold: Math.min(1, s + 0.01) })).toBeNull();
    expect(() => findCanonical(CARDS.unobserved, only, { threshold: 0 })).toThrow(RangeError);
    expect(() => findCanonical(CARDS.unobserved, only, { threshold: 1.5 })).toThrow(RangeError);
  });

  it("breaks ties by the smallest id", () => {
    const twins = [
      { id: "c-2", ...CARDS.freedom },
      { id: "c-10", ...CARDS.freedom },
      { id: "c-3", ...CARDS.freedom },
    ];
    expect(findCanonical(CARDS.unobserved, twins)?.id).toBe("c-10");
  });
});

// ---------------------------------------------------------------------------------------------
// Random cards from word lists, for the index.

/** A made-up vocabulary of 1,458 words, drawn Zipf-like: a few topic words are common, most are rare. */
const SYLLABLES = "ka lo mi ne su ta ri vo pe du sa ki mo le nu ha ja re to vi ga po se mu la di ko".split(" ");
const SYLLABLES_2 = "rt nd st lk mp ns rk lt nt ll".split(" ");
const WORDS = SYLLABLES.flatMap((a) => SYLLABLES.map((b) => a + b)).flatMap((w, i) => [w, `${w}${SYLLABLES_2[i % SYLLABLES_2.length]}a`]);
const HEADS = ["MOMENTS when", "WAYS to", "SPACES where", "SIGNS that", "CHANCES to", "FEELINGS of"];
const FILLER = ["the", "a", "my", "of", "and", "to", "in", "for", "is", "are"];

function randomCard(rand: () => number, vocabulary = WORDS): DedupeCard {
  const pick = <T>(list: readonly T[]): T => list[Math.floor(rand() * list.length)]!;
  const zipf = <T>(list: readonly T[]): T => list[Math.floor(rand() ** 3 * list.length)]!;
  const phrase = (n: number) => Array.from({ length: n }, () => (rand() < 0.25 ? pick(FILLER) : zipf(vocabulary))).join(" ");
  const policies = Array.from({ length: 2 + Math.floor(rand() * 4) }, () => `${pick(HEADS)} ${phrase(3 + Math.floor(rand() * 5))}`);
  return { title: phrase(2 + Math.floor(rand() * 3)), policies };
}

/** A citizen's rewording of a card: policies shuffled, a word dropped or swapped, case changed. */
function variantOf(card: DedupeCard, rand: () => number): DedupeCard {
  const policies = [...card.policies]
    .sort(() => rand() - 0.5)
    .map((policy) => {
      const words = policy.split(" ");
      if (words.length > 3 && rand() < 0.5) words.splice(2 + Math.floor(rand() * (words.length - 2)), 1);
      if (rand() < 0.3) words.push(WORDS[Math.floor(rand() * WORDS.length)]!);
      return rand() < 0.3 ? words.join(" ").toUpperCase() : words.join(" ");
    });
  return { title: card.title.split(" ").reverse().join(" "), policies };
}

describe("createCanonicalIndex", () => {
  const rand = mulberry32(20240607);
  const canonicals: CanonicalCard[] = Array.from({ length: 400 }, (_, i) => ({ id: `v${String(i).padStart(4, "0")}`, ...randomCard(rand) }));
  // Exact duplicates under other ids, so ties have to be broken the same way.
  for (let i = 0; i < 20; i++) canonicals.push({ ...canonicals[i * 7]!, id: `dup${i}` });
  const queries: DedupeCard[] = [
    ...Array.from({ length: 200 }, (_, i) => variantOf(canonicals[(i * 13) % canonicals.length]!, rand)),
    ...Array.from({ length: 200 }, () => randomCard(rand)),
    ...NAMES.map((name) => CARDS[name]),
  ];

  it("gives the same answers as brute force, at several thresholds", () => {
    const index = createCanonicalIndex();
    for (const canonical of canonicals) index.add(canonical);
    expect(index.size).toBe(canonicals.length);
    let matched = 0;
    for (const threshold of [0.2, 0.3, DEFAULT_DEDUPE_THRESHOLD, 0.7, 0.9, 1]) {
      for (const query of queries) {
        const expected = findCanonical(query, canonicals, { threshold });
        expect(index.match(query, threshold)).toEqual(expected);
        if (expected) matched++;
      }
    }
    // The comparison means something only if both outcomes occur often.
    expect(matched).toBeGreaterThan(400);
    expect(matched).toBeLessThan(6 * queries.length - 400);
  }, 30_000);

  it("stays in step with brute force as canonicals are removed and replaced", () => {
    const index = createCanonicalIndex();
    for (const canonical of canonicals) index.add(canonical);
    let current = [...canonicals];
    const edit = mulberry32(7);
    for (let round = 0; round < 5; round++) {
      for (let k = 0; k < 40; k++) {
        const victim = current[Math.floor(edit() * current.length)]!;
        expect(index.remove(victim.id)).toBe(true);
        current = current.filter((c) => c.id !== victim.id);
      }
      for (let k = 0; k < 10; k++) {
        const replaced = { ...randomCard(edit), id: current[Math.floor(edit() * current.length)]!.id };
        index.add(replaced);
        current = current.map((c) => (c.id === replaced.id ? replaced : c));
      }
      expect(index.size).toBe(current.length);
      for (const query of queries.slice(round * 80, round * 80 + 80)) {
        expect(index.match(query)).toEqual(findCanonical(query, current));
      }
    }
    expect(index.remove("no-such-id")).toBe(false);
    for (const c of current) index.remove(c.id);
    expect(index.stats()).toMatchObject({ size: 0, tokens: 0 });
    expect(index.match(CARDS.unobserved)).toBeNull();
  });

  it("scores far fewer candidates than brute force", () => {
    const index = createCanonicalIndex();
    for (const canonical of canonicals) index.add(canonical);
    index.resetStats();
    for (const query of queries) index.match(query);
    const { matches, candidates, scored } = index.stats();
    expect(matches).toBe(queries.length);
    const bruteForce = queries.length * canonicals.length;
    expect(scored).toBeLessThanOrEqual(candidates);
    // On these cards (Zipf-like words): about 30% reached through the index, 9% scored.
    expect(candidates).toBeLessThan(bruteForce / 2);
    expect(scored).toBeLessThan(bruteForce / 6);
  });

  it("finds the paraphrases among the realistic cards, in either language", () => {
    const index = createCanonicalIndex();
    for (const group of VALUES) index.add({ id: group[0]!, ...CARDS[group[0]!] });
    for (const group of VALUES) for (const name of group) expect(index.match(CARDS[name])?.id, name).toBe(group[0]);
  });

  it("rejects thresholds outside (0, 1]", () => {
    const index = createCanonicalIndex();
    expect(() => index.match(CARDS.unobserved, 0)).toThrow(RangeError);
    expect(() => index.match(CARDS.unobserved, -1)).toThrow(RangeError);
  });
});

describe("the values related to a new one (createCanonicalIndex().related)", () => {
  const watched = {
    id: "watched",
    title: "Not being watched in the street",
    description: "Cameras on every corner change how I walk.",
    policies: ["MOMENTS when a camera follows me down the street", "SIGNS that say who watches the street cameras"],
  };
  const appeal = {
    id: "appeal",
    title: "A human to appeal to",
    description: "When a machine decides about my benefit, I want a person to hear me.",
    policies: ["WAYS to reach a caseworker who can change the decision", "LETTERS that explain why my benefit was cut"],
  };
  const fresh = {
    id: "fresh",
    title: "Streets without cameras watching",
    description: "I want to walk without a camera following me.",
    policies: ["MOMENTS when I notice a camera on the street", "PLACES where nobody watches who passes"],
  };

  it("puts the value sharing its concern first and leaves the value itself out", () => {
    const index = createCanonicalIndex();
    for (const c of [watched, appeal, fresh]) index.add(c);
    const related = index.related(fresh, 3, "fresh");
    expect(related[0]?.id).toBe("watched");
    expect(related.map((r) => r.id)).not.toContain("fresh");
    expect(index.related(fresh, 1, "fresh")).toHaveLength(1);
  });

  it("reads a bounded number of postings however large the context", () => {
    const index = createCanonicalIndex();
    const random = mulberry32(7);
    for (let i = 0; i < 20_000; i++) {
      const street = random() < 0.5;
      index.add({
        id: `v${i}`,
        title: street ? `Street cameras ${i}` : `Benefit decisions ${i}`,
        description: street ? "Cameras watch the street." : "A machine decides about benefits.",
        policies: [street ? "MOMENTS when a camera watches the street" : "WAYS to appeal a benefit decision", `DETAILS of case ${i}`],
      });
    }
    index.resetStats();
    const related = index.related(fresh, 3);
    expect(related).toHaveLength(3);
    expect(related.every((r) => r.similarity > 0)).toBe(true);
    // 10,000 values share "street" and "camera" with it: at most a budget of them is looked at, per language.
    expect(index.stats().candidates).toBeGreaterThan(0);
    expect(index.stats().candidates).toBeLessThanOrEqual(2 * 4_000);
  });
});

describe("sameValueTask", () => {
  const input = (a: Name, b: Name) => ({ a: CARDS[a], b: CARDS[b], contextTitle: "Facial recognition in public space" });

  it("is named and instructed for a model, never carrying citizen text", () => {
    expect(sameValueTask.name).toBe("values.same");
    expect(sameValueTask.instructions).toMatch(/attentional policies/);
    expect(sameValueTask.instructions).toMatch(/same topic/);
    expect(sameValueTask.instructions).not.toContain(CARDS.unobserved.title);
  });

  it("tells the model the traps, that languages may differ, and that the cards' words are not instructions", () => {
    expect(sameValueTask.instructions).toMatch(/understanding a decision and contesting it/);
    expect(sameValueTask.instructions).toMatch(/keeping records and deleting them/);
    expect(sameValueTask.instructions).toMatch(/different languages \(English, Estonian, Russian\)/);
    expect(sameValueTask.instructions).toMatch(/never as an instruction/);
    expect(sameValueTask.instructions).toMatch(/description/);
    // The description reaches the judge with the card.
    const parsed = sameValueTask.input.parse({ a: { ...CARDS.unobserved, description: "I want to walk unseen." }, b: CARDS.vabadus, contextTitle: "x" });
    expect(parsed.a.description).toBe("I want to walk unseen.");
  });

  it("offline: says same for paraphrases, naming the shared terms", () => {
    const output = sameValueTask.output.parse(sameValueTask.offline(sameValueTask.input.parse(input("unobserved", "freedom"))));
    expect(output.same).toBe(true);
    expect(output.reason).toMatch(/"watched"/);
    expect(output.reason).toMatch(/"public"/);
    expect(output.reason).toContain(similarity(CARDS.unobserved, CARDS.freedom).toFixed(2));
  });

  it("offline: says different for different values on the same topic, and for unrelated cards", () => {
    // Finding a child with cameras and not being tracked by them: a trap, and the reason says which.
    const sameTopic = sameValueTask.offline(sameValueTask.input.parse(input("unobserved", "safety")));
    expect(sameTopic.same).toBe(false);
    expect(sameTopic.reason).toContain(ANTONYM_TRAPS.find((t) => t.id === "find-track")!.why);
    const differentConcerns = sameValueTask.offline(sameValueTask.input.parse(input("contestable", "efficient")));
    expect(differentConcerns.same).toBe(false);
    expect(differentConcerns.reason).toMatch(/share|pull apart/);
    const unrelated = sameValueTask.offline(sameValueTask.input.parse(input("unobserved", "lohutus")));
    expect(unrelated).toMatchObject({ same: false });
    expect(unrelated.reason).toMatch(/no terms/);
    for (const [a, b] of [...SAME, ...DIFFERENT]) {
      const verdict = sameValueTask.output.parse(sameValueTask.offline(sameValueTask.input.parse(input(a, b))));
      expect(verdict.same).toBe(sameValue(CARDS[a], CARDS[b]).same);
    }
  });

  it("runs through the offline engine and is recorded", async () => {
    const calls: LlmCallRecord[] = [];
    let n = 0;
    const engine = createOfflineEngine({
      recorder: { record: async (call) => void calls.push(call) },
      clock: { now: () => new Date("2025-01-01T00:00:00Z") },
      ids: () => `call-${++n}`,
    });
    const result = await engine.run(sameValueTask, input("vaidlustatav", "oigus"));
    expect(result.output.same).toBe(true);
    expect(calls).toHaveLength(1);
    expect(calls[0]).toMatchObject({ purpose: "values.same", status: "ok" });
  });

  it("rejects input that is not a pair of cards", () => {
    expect(sameValueTask.input.safeParse({ a: CARDS.unobserved, contextTitle: "x" }).success).toBe(false);
    expect(sameValueTask.input.safeParse({ a: CARDS.unobserved, b: { title: "x", policies: [] }, contextTitle: "x" }).success).toBe(false);
  });
});

// ---------------------------------------------------------------------------------------------
// Dedupe by meaning (issue 14): synonyms, descriptions, traps, languages.

describe("the dedupe lexicon", () => {
  const concepts = (text: string) => [...cardConcepts({ title: text, policies: [] }).keys()];

  it("is data with unique ids, and every trap names concepts of it on two disjoint sides", () => {
    const ids = DEDUPE_CONCEPTS.map((c) => c.id);
    expect(new Set(ids).size).toBe(ids.length);
    for (const trap of ANTONYM_TRAPS) {
      for (const id of [...trap.a, ...trap.b]) expect(ids, trap.id).toContain(id);
      expect(
        trap.a.filter((id) => trap.b.includes(id)),
        trap.id,
      ).toEqual([]);
      expect(trap.why.length).toBeGreaterThan(20);
    }
  });

  it("shares the reader's concepts rather than keeping a parallel list", () => {
    const reused = DEDUPE_CONCEPTS.filter((c) => (c.reader ?? []).length > 0).map((c) => c.id);
    expect(reused).toEqual(expect.arrayContaining(["explanation", "appeal", "human", "automated", "deletion", "retention", "penalty", "surveillance"]));
    // A reader form ("reasons", "reconsider") names the concept in a card too.
    expect(concepts("the reasons behind it")).toEqual(["explanation"]);
    expect(concepts("someone to reconsider")).toEqual(["human"]);
  });

  it.each([
    ["hearing", ["Heard first", "A fair hearing", "ärakuulamine ja aeg", "kuulamine enne otsust"]],
    ["penalty", ["sanctions", "benefits are cut", "karistus ja trahv", "toetust kärbitakse"]],
    ["explanation", ["an explanation", "the reasons", "selgitus ja põhjendus", "understanding the decision"]],
    ["unobserved", ["unobserved", "anonymity", "Jälgimatu", "privaatsus ja rahu"]],
    ["deletion", ["deleted", "the right to be forgotten", "kustutamine ja unustamine"]],
    ["appeal", ["contest it", "challenging", "vaidlustamine ja kaebus"]],
  ])("meets %s in English and Estonian words", (id, texts) => {
    for (const text of texts) expect(concepts(text), text).toContain(id);
  });

  it("keeps a word's other senses out: finding out is not finding someone", () => {
    expect(concepts("when I find out")).not.toContain("missing");
    expect(concepts("to find a lost child")).toContain("missing");
  });
});

describe("dedupe by meaning", () => {
  it("merges the synonym paraphrase word overlap missed (0.17 before)", () => {
    const heard = {
      title: "Heard before benefits are cut",
      description: "I want to be listened to before my money stops.",
      policies: ["MOMENTS when my benefit is cut without a word to me", "CHANCES to be heard by a caseworker"],
    };
    const hearing = {
      title: "A human hearing before sanctions",
      description: "Nobody should be sanctioned before a person hears their side.",
      policies: ["MOMENTS when a sanction arrives without a hearing", "WAYS to put my case to an official"],
    };
    expect(sameValue(heard, hearing)).toMatchObject({ same: true, traps: [] });
  });

  it("keeps opposite concerns that share words apart (0.77 before)", () => {
    const understanding = {
      title: "Understanding automated decisions",
      description: "When a system decides about me I want to know how it reached its answer.",
      policies: ["MOMENTS when an automated decision arrives with no reasons", "WAYS the decision is explained in plain words"],
    };
    const challenging = {
      title: "Challenging automated decisions",
      description: "When a system decides about me I want to be able to fight the decision.",
      policies: ["MOMENTS when an automated decision cannot be appealed", "WAYS to contest the decision before a person"],
    };
    const verdict = sameValue(understanding, challenging);
    expect(verdict.same).toBe(false);
    expect(verdict.traps).toContain("understand-contest");
  });

  /** For each trap, two cards that share most of their words and lean to its two sides. */
  const TRAPS: Record<string, [DedupeCard, DedupeCard]> = {
    "understand-contest": [
      { title: "Understanding decisions about my benefit", policies: ["WAYS to understand why the benefit decision was made"] },
      { title: "Contesting decisions about my benefit", policies: ["WAYS to contest the benefit decision that was made"] },
    ],
    "find-track": [
      { title: "Finding children in the city", policies: ["WAYS to find a child quickly in the city"] },
      { title: "Children not tracked in the city", policies: ["WAYS a child is not tracked in the city"] },
    ],
    "seen-unobserved": [
      { title: "Being seen in the city", policies: ["MOMENTS when people in the city are counted and seen"] },
      { title: "Being unobserved in the city", policies: ["MOMENTS when people in the city are unobserved"] },
    ],
    "keep-delete": [
      { title: "Records kept about my case", policies: ["WAYS the records about my case are kept for years"] },
      { title: "Records deleted about my case", policies: ["WAYS the records about my case are deleted after years"] },
    ],
    "human-machine": [
      { title: "A human decides my application", policies: ["MOMENTS when a caseworker decides my application"] },
      { title: "Software decides my application automatically", policies: ["MOMENTS when my application is decided automatically"] },
    ],
    "access-protection": [
      { title: "Children's access to apps", policies: ["WAYS children get access to apps at school"] },
      { title: "Children protected from apps", policies: ["WAYS children are protected from apps at school"] },
    ],
    "comfort-disclosure": [
      { title: "Comfort from a chatbot", policies: ["MOMENTS when a lonely person talks to a chatbot"] },
      { title: "A chatbot that says it is a bot", policies: ["MOMENTS when a person talks to a chatbot that pretends to be human"] },
    ],
    "fairness-efficiency": [
      { title: "Risk scores tested for bias", policies: ["SIGNS that the risk score is tested for bias"] },
      { title: "Risk scores that work quickly", policies: ["SIGNS that the risk score works quickly"] },
    ],
    "safety-anonymity": [
      { title: "Safety on the streets", policies: ["MOMENTS when people on the streets are in danger"] },
      { title: "Anonymity on the streets", policies: ["MOMENTS when people on the streets are anonymous"] },
    ],
  };

  it("has a case for every trap", () => {
    expect(Object.keys(TRAPS).sort()).toEqual(ANTONYM_TRAPS.map((t) => t.id).sort());
  });

  it.each(Object.entries(TRAPS))("keeps the sides of %s apart however many words they share", (id, [a, b]) => {
    const verdict = sameValue(a, b);
    expect(verdict.traps).toContain(id);
    expect(verdict.same).toBe(false);
    expect(findCanonical(b, [{ id: "a", ...a }])).toBeNull();
    // Each side merges with itself reworded: it is the trap that keeps them apart, not the words.
    expect(sameValue(a, { ...a, policies: [...a.policies, a.title] }).same).toBe(true);
  });

  it("merges an English and an Estonian card of one value, sharing no word", () => {
    const english = {
      title: "Deleting my data when it is no longer needed",
      description: "Once my case is closed, the office should erase what it gathered about me.",
      policies: ["WAYS to have my data deleted", "MOMENTS when old data about me is still stored"],
    };
    const estonian = {
      title: "Andmete kustutamine, kui neid enam ei vajata",
      description: "Kui mu asi on lõpetatud, peaks amet minu kohta kogutu kustutama.",
      policies: ["VIISID lasta oma andmed kustutada", "HETKED, kui vanu andmeid minu kohta hoitakse alles"],
    };
    expect(cardTokens(english).title.filter((t) => cardTokens(estonian).title.includes(t))).toEqual([]);
    expect(sameValue(english, estonian)).toMatchObject({ same: true, traps: [] });
    // Its opposite in Estonian stays apart.
    const keeping = {
      title: "Andmete säilitamine tõendina",
      description: "Vajan, et andmed säilitataks, et saaksin vale otsust tõestada.",
      policies: ["HETKED, kui vajalik toimik on juba kustutatud", "VIISID säilitada andmeid piisavalt kaua"],
    };
    expect(sameValue(english, keeping)).toMatchObject({ same: false, traps: ["keep-delete"] });
  });

  it("reads the description: a paraphrase told in it merges, the same cards without it do not", () => {
    const a = {
      title: "Before the office acts",
      description: "Before my benefit is cut I want a caseworker to hear me.",
      policies: ["MOMENTS when a letter arrives"],
    };
    const b = {
      title: "Before the agency does anything",
      description: "No sanction on my payments until an official has heard me.",
      policies: ["MOMENTS when a letter arrives"],
    };
    expect(sameValue(a, b).same).toBe(true);
    const bare = (card: DedupeCard) => ({ title: card.title, policies: card.policies });
    expect(sameValue(bare(a), bare(b)).same).toBe(false);
  });

  it("gives the same answers through the index as by brute force, across languages", async () => {
    const { ALL_PAIRS } = await import("../fixtures/dedupe-pairs.js");
    const cards = [...new Map(ALL_PAIRS.flatMap((p) => [p.a, p.b]).map((c) => [c.title, c])).values()];
    const canonicals: CanonicalCard[] = cards.filter((_, i) => i % 3 !== 0).map((c, i) => ({ id: `c${i}`, ...c }));
    const index = createCanonicalIndex();
    for (const c of canonicals) index.add(c);
    let matched = 0;
    for (const threshold of [0.3, DEFAULT_DEDUPE_THRESHOLD, 0.8]) {
      for (const card of cards) {
        const expected = findCanonical(card, canonicals, { threshold });
        expect(index.match(card, threshold)).toEqual(expected);
        if (expected) matched++;
      }
    }
    expect(matched).toBeGreaterThan(cards.length);
  });
});
