import { describe, expect, it } from "vitest";
import { DEMO_CARDS, type DemoCard } from "../../db/demo-values.js";
import { explainOffline } from "../../deliberation/reading/offline.js";
import type { ReadableValue, Verdict } from "../../deliberation/reading/types.js";
import {
  DEMO_ALTERNATIVE,
  DEMO_AMENDMENTS,
  DEMO_CONVENED_AMENDMENTS,
  DEMO_CONVENED_MATTER,
  DEMO_MATTER,
  DEMO_PUBLISHED_AMENDMENTS,
  DEMO_PUBLISHED_MATTER,
} from "../../server/seed-demo.server.js";

/**
 * The offline reader on what people meet first: the demo polity's three matters, every option with
 * words × every value of the matter's context (its canonical card: the first card of each value id).
 *
 * The verdicts below were decided by reading each clause and card as a civil servant would, before the
 * reader was run on them. Most pairs are silent; every other verdict carries its reason.
 */

type Expect = Verdict | readonly [Verdict, string];

/** The canonical card of each value id of a context, in the order of the data. */
function canonical(contextId: string): Map<string, ReadableValue> {
  const out = new Map<string, ReadableValue>();
  for (const card of DEMO_CARDS as readonly DemoCard[]) {
    if (card.contextId !== contextId || out.has(card.value)) continue;
    out.set(card.value, { valueId: card.value, title: card.title, description: card.description, policies: card.policies });
  }
  return out;
}

interface DemoOption {
  id: string;
  text: string;
}

function optionsOf(
  matter: { clauses: readonly string[] },
  alternatives: readonly { clause: number; text: string }[],
  amendments: readonly { text: string }[],
): DemoOption[] {
  return [
    ...matter.clauses.map((text, i) => ({ id: `c${i + 1}`, text })),
    ...alternatives.map((a, i) => ({ id: `c${a.clause}a${i + 1}`, text: a.text })),
    ...amendments.filter((a) => a.text.trim() !== "").map((a, i) => ({ id: `m${i + 1}`, text: a.text })),
  ];
}

const S = "silent" as const;

/**
 * DEMO_MATTER: real-time biometric identification.
 * c1 ban · c2 police exception (named missing child, court, 48 h, area) · c3 public register · c4 deletion
 * c2a1 narrower exception (never at an assembly) · m1 no identification at assemblies · m2 register with
 * error rates · m3 police may *also* search for an armed person at large events.
 */
const BIO: Record<string, Record<string, Expect>> = {
  c1: {
    "bio-unobserved": ["honours", "bans identifying people in public spaces: nobody is catalogued as they move through the city"],
    "bio-missing-child": ["erodes", "bans the cameras that could recognise a missing child's face"],
    // The card never names cameras or identification; a ban does not by itself make the police late.
    "bio-crowd-safety": S,
    "bio-protest": ["honours", "bans face scanning in public spaces, squares of assembly included"],
    "bio-false-match": ["honours", "no real-time matching in public spaces: nobody is stopped on a camera's wrong match"],
    // It neither provides the named, bounded search nor lets it grow: the value is about the exception.
    "bio-bounded-search": S,
  },
  c2: {
    "bio-unobserved": ["honours", "police use only for one named child, court-approved, 48 hours, a stated area: the city is not watched at will"],
    "bio-missing-child": ["honours", "lets the police search cameras for a named missing child"],
    "bio-crowd-safety": S,
    "bio-protest": ["honours", "limits police use to a named child's court-approved search: protesters are not the ones scanned or filed"],
    "bio-false-match": S,
    "bio-bounded-search": ["honours", "a named person, a judge's approval, a set time and area: exactly the search it accepts"],
  },
  c2a1: {
    "bio-unobserved": ["honours", "police use only for one named child, court-approved, 24 hours"],
    "bio-missing-child": ["honours", "lets the police search cameras for a named missing child"],
    "bio-crowd-safety": S,
    "bio-protest": ["honours", "never at an assembly or a demonstration"],
    "bio-false-match": S,
    "bio-bounded-search": ["honours", "a named child, a judge's approval for each search, at most 24 hours"],
  },
  c3: {
    "bio-unobserved": ["honours", "a public register says who authorised each use, where and why: a way to know who is recording and why"],
    "bio-missing-child": S,
    "bio-crowd-safety": S,
    "bio-protest": S,
    "bio-false-match": S,
    "bio-bounded-search": ["honours", "every use is public within a day: a search cannot quietly become watching everyone"],
  },
  c4: {
    "bio-unobserved": ["honours", "passers-by's images and templates are deleted at once: no catalogue of people"],
    "bio-missing-child": S,
    "bio-crowd-safety": S,
    "bio-protest": ["honours", "faces of people not sought are deleted at once, not filed"],
    "bio-false-match": S,
    "bio-bounded-search": ["honours", "the faces of passers-by are not kept"],
  },
  m1: {
    "bio-unobserved": ["honours", "forbids identifying people where they gather"],
    // About assemblies, not stations and crowds where a child is lost.
    "bio-missing-child": S,
    "bio-crowd-safety": S,
    "bio-protest": ["honours", "forbids identifying people at an assembly or a demonstration"],
    "bio-false-match": S,
    "bio-bounded-search": S,
  },
  m2: {
    "bio-unobserved": ["honours", "a public register says who authorised each use, where and why"],
    "bio-missing-child": S,
    "bio-crowd-safety": S,
    "bio-protest": S,
    "bio-false-match": ["honours", "publishes the system's false-match rates, measured independently"],
    "bio-bounded-search": ["honours", "every use is public within a day: a search cannot quietly become watching everyone"],
  },
  m3: {
    "bio-unobserved": ["erodes", "adds a new use: faces scanned in crowds of more than 10,000 people"],
    "bio-missing-child": S,
    "bio-crowd-safety": ["honours", "lets the police find an armed person at a large event in time"],
    "bio-protest": ["erodes", "allows scanning the faces at any gathering of 10,000 people, demonstrations not excepted"],
    "bio-false-match": S,
    "bio-bounded-search": ["honours", "a named person, a court's approval, 6 hours, the event's grounds: a search with a name and an end"],
  },
};

/**
 * DEMO_CONVENED_MATTER: labelling AI-generated political advertising.
 * c1 a visible label · c2 the advertiser keeps material for the committee · c3 reported items reviewed and
 * taken down or labelled in the last 14 days · m1 corrections in Estonian and Russian · m2 parody not taken down.
 */
const EL: Record<string, Record<string, Expect>> = {
  c1: {
    "el-knowing-real": ["honours", "a visible label on AI-made political advertising: a sign of whether AI generated it"],
    "el-satire": S,
    // Labels on adverts do not touch the timing of a late fake.
    "el-time-to-refute": S,
    // Revised after a second reading of the card (my first verdict was honours): its "WAYS … can be checked by
    // anyone" is about verifying evidence, and a label on adverts verifies nothing; nor does a label touch
    // genuine recordings being waved away. (The labelled corpus reads a label the same way for values that fear fakes.)
    "el-believing-each-other": S,
    "el-small-parties": S,
    "el-russian-corrections": S,
  },
  // Material kept for the committee, not for voters: no value here attends to it.
  c2: {
    "el-knowing-real": S,
    "el-satire": S,
    "el-time-to-refute": S,
    "el-believing-each-other": S,
    "el-small-parties": S,
    "el-russian-corrections": S,
  },
  c3: {
    "el-knowing-real": ["honours", "an unlabelled generated item is labelled or taken down"],
    "el-satire": ["erodes", "a generated item is taken down with no room for parody: an obvious joke can go as if it were a fake"],
    "el-time-to-refute": ["honours", "in the last 14 days a reported fake is dealt with within 24 hours"],
    "el-believing-each-other": ["honours", "anyone can have an item checked and generated ones are labelled"],
    "el-small-parties": S,
    // Quick takedown reaches no language in particular; the correction in Russian is m1.
    "el-russian-corrections": S,
  },
  m1: {
    "el-knowing-real": ["honours", "a published correction tells voters that an item was fake"],
    "el-satire": S,
    "el-time-to-refute": ["honours", "a correction within 24 hours refutes the fake in time"],
    "el-believing-each-other": S,
    "el-small-parties": S,
    "el-russian-corrections": ["honours", "the correction is published in Russian too"],
  },
  m2: {
    // Marked plainly as parody: the voter knows what it is.
    "el-knowing-real": S,
    "el-satire": ["honours", "a marked parody is not taken down as if it were a fake"],
    "el-time-to-refute": S,
    "el-believing-each-other": S,
    "el-small-parties": S,
    "el-russian-corrections": S,
  },
};

/**
 * DEMO_PUBLISHED_MATTER: AI tutors that talk with children.
 * c1 the tutor says it is a machine · c2 parents see and delete records · c3 a teacher reviews
 * recommendations · m1 records deleted each school year, not passed on · m2 a hint before the answer.
 */
const TUT: Record<string, Record<string, Expect>> = {
  // No value of this context attends to being told what a machine is.
  c1: {
    "tut-own-pace": S,
    "tut-own-thinking": S,
    "tut-teacher-bond": S,
    "tut-childhood-data": S,
    "tut-every-family": S,
    "tut-curiosity": S,
  },
  c2: {
    "tut-own-pace": S,
    "tut-own-thinking": S,
    "tut-teacher-bond": S,
    "tut-childhood-data": ["honours", "parents can see and erase what the tutor recorded"],
    "tut-every-family": S,
    "tut-curiosity": S,
  },
  c3: {
    "tut-own-pace": S,
    "tut-own-thinking": S,
    "tut-teacher-bond": ["honours", "the teacher reviews the tutor's recommendations: the tutor helps her, it does not take her place"],
    "tut-childhood-data": S,
    "tut-every-family": S,
    "tut-curiosity": S,
  },
  m1: {
    "tut-own-pace": S,
    "tut-own-thinking": S,
    "tut-teacher-bond": S,
    "tut-childhood-data": ["honours", "records deleted every school year and not passed on outside the school"],
    "tut-every-family": S,
    "tut-curiosity": S,
  },
  m2: {
    "tut-own-pace": S,
    "tut-own-thinking": ["honours", "a hint before the answer: the tutor does not give the answer too early"],
    "tut-teacher-bond": S,
    "tut-childhood-data": S,
    "tut-every-family": S,
    "tut-curiosity": ["honours", "a hint first keeps the balance between help and the pupil's own effort"],
  },
};

/**
 * Where the offline reader still reads otherwise than the table, with what it does instead. These run as
 * expected failures: when the reader comes to agree, vitest says so and the pair leaves this list.
 */
const KNOWN_DISAGREEMENTS: Readonly<Record<string, string>> = {
  // The reader takes any bound on identification as honouring a value that fears being matched, and any
  // added use as eroding it; the card attends to false matches at border towns, which neither touches.
  "biometric identification c2 bio-false-match": "honours: limits identifying people",
  "biometric identification m3 bio-false-match": "erodes: adds, within limits, identifying people",
  // A correction published for everyone is not read as telling voters what is real (correction is not notice).
  "AI political advertising m1 el-knowing-real": "silent",
};

const MATTERS = [
  { name: "biometric identification", matter: DEMO_MATTER, options: optionsOf(DEMO_MATTER, [DEMO_ALTERNATIVE], DEMO_AMENDMENTS), table: BIO },
  { name: "AI political advertising", matter: DEMO_CONVENED_MATTER, options: optionsOf(DEMO_CONVENED_MATTER, [], DEMO_CONVENED_AMENDMENTS), table: EL },
  { name: "AI tutors", matter: DEMO_PUBLISHED_MATTER, options: optionsOf(DEMO_PUBLISHED_MATTER, [], DEMO_PUBLISHED_AMENDMENTS), table: TUT },
];

function verdictOf(e: Expect): Verdict {
  return typeof e === "string" ? e : e[0];
}

describe("the offline reader on the demo polity", () => {
  for (const { name, matter, options, table } of MATTERS) {
    const values = canonical(matter.contextId);
    describe(name, () => {
      it("has an expectation for every option with words and every value of the context", () => {
        expect(Object.keys(table).sort()).toEqual(options.map((o) => o.id).sort());
        for (const o of options) expect(Object.keys(table[o.id]!).sort()).toEqual([...values.keys()].sort());
      });
      for (const o of options) {
        for (const [valueId, value] of values) {
          const expected = table[o.id]?.[valueId] ?? S;
          const known = KNOWN_DISAGREEMENTS[`${name} ${o.id} ${valueId}`];
          (known ? it.fails : it)(`${o.id} × ${value.title}: ${verdictOf(expected)}${known ? ` (the reader: ${known})` : ""}`, () => {
            const { reading } = explainOffline({ id: o.id, text: o.text, language: matter.language }, value);
            expect(reading.verdict).toBe(verdictOf(expected));
            if (reading.verdict !== "silent") {
              expect(o.text).toContain(reading.quote);
              // One line, naming the value by its title.
              expect(reading.reason).toContain(value.title);
              expect(reading.reason).not.toMatch(/\n/);
            }
          });
        }
      }
    });
  }
});
