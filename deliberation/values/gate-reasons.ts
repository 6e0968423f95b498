import type { PolicyProblem, PolicyReading } from "./substance.js";
import type { Verdict } from "./types.js";

/**
 * The gate's reason, written to the citizen in her language (English, Estonian or Russian) in full: what the
 * card reads as, the words that show it, which policies name nothing and why, and how to say what she
 * attends to. The advice is about what she notices when she chooses, never about the card's form: no
 * reason tells her to add "MOMENTS when…" to get in.
 */

/**
 * The language of the page she reads, not of her card: a reason is written to her, so a Russian page
 * gets a Russian reason about an English card, and an Estonian page an Estonian one about a Russian card.
 */
export type ReasonLanguage = "en" | "et" | "ru";

/** Why a card is `other`, when it is: said in the citizen's language rather than quoted back. */
export type OtherCause =
  | "no-concern"
  | "gibberish"
  | "repetition"
  | "too-few-words"
  | "empty-fields"
  | "abuse"
  | "placeholder"
  | "spam"
  | "off-topic"
  | "instruction";

export interface ReasonInput {
  verdict: Verdict;
  language: ReasonLanguage;
  /** The citizen's words that show the verdict (never for `other`, where insults are not quoted back). */
  evidence?: string | undefined;
  otherCause?: OtherCause | undefined;
  /** The choice context as named in her language ("" when unknown). */
  context: string;
  /** A second kind the card also reads as. */
  also: Verdict | null;
  policies: readonly PolicyReading[];
  /** False when the card's words must not be quoted back (insults). */
  quotePolicies?: boolean;
}

const MAX_POLICIES_NAMED = 3;
const MAX_REASON = 1200;

function clip(text: string, max = 48): string {
  const t = text.trim();
  return t.length <= max ? t : `${t.slice(0, max - 1).replace(/\s+\S*$/, "")}…`;
}

interface Wording {
  quote(text: string): string;
  kind: Record<Verdict, (evidence: string, context: string) => string>;
  other: Record<OtherCause, string>;
  noun: Record<Verdict, string>;
  also(noun: string): string;
  problem: Record<PolicyProblem, (policy: string, context: string) => string>;
  emptyIntro(count: number): string;
  valueWithEmpty(count: number): string;
  advice: string;
  thisQuestion: string;
}

const EN: Wording = {
  quote: (t) => ` (“${clip(t)}”)`,
  kind: {
    value: (q) =>
      `This reads as a value: it says what you pay attention to when you choose${q}. It can join the moral graph, where others can endorse it and compare it with theirs.`,
    rule: (q) => `This reads as a rule: it says what others should do${q}.`,
    preference: (q) => `This reads as a preference: it says what you like${q}, not why it matters to you.`,
    goal: (q) => `This reads as a goal: it names an outcome to reach${q}.`,
    slogan: (q) => `This reads as a slogan: a phrase${q} that names nothing concrete to pay attention to.`,
    other: (_q, context) => `We could not read this as a value about ${context}.`,
  },
  other: {
    "no-concern":
      "It names things you notice, but not what is at stake in them for you or for others: what you would protect, or fear to lose, when this choice is made.",
    gibberish: "It looks like random letters.",
    repetition: "It repeats the same few words.",
    "too-few-words": "It has too few words to say what you notice.",
    "empty-fields": "Some of its fields are empty.",
    abuse: "It contains insults.",
    placeholder: "It looks like a test or placeholder text.",
    spam: "It looks like an advertisement.",
    "off-topic": "It does not speak of this question.",
    instruction: "Part of it speaks to the machine that reads it instead of saying what you notice; such text is never followed.",
  },
  noun: { value: "a value", preference: "a preference", slogan: "a slogan", goal: "a goal", rule: "a rule", other: "something other than a value" },
  also: (noun) => `It also reads as ${noun}.`,
  problem: {
    generic: (p) => `“${p}” names nothing in particular that you notice.`,
    placeholder: (p) => `“${p}” is placeholder text.`,
    repeated: (p) => `“${p}” says again what the card already says.`,
    "off-context": (p, context) => `“${p}” is about something other than ${context}.`,
    instruction: (p) => `“${p}” is addressed to a machine, not about what you notice.`,
    prescription: (p) => `“${p}” asks something of others rather than naming what you notice.`,
    liking: (p) => `“${p}” says what you like rather than what you notice.`,
    target: (p) => `“${p}” names a number to reach rather than what you notice.`,
  },
  emptyIntro: (n) => (n === 1 ? "One policy does not count:" : "These policies do not count:"),
  valueWithEmpty: (n) =>
    n === 1 ? "One of its policies does not count yet, and you may revise it:" : "Some of its policies do not count yet, and you may revise them:",
  advice:
    "A value says what you pay attention to when you choose. Think of a real time you faced this choice: what did you look at, what worried you, what made one option feel right? Name those things: who was involved, what happened to you or your information, what you could or could not do.",
  thisQuestion: "this question",
};

const ET: Wording = {
  quote: (t) => ` („${clip(t)}“)`,
  kind: {
    value: (q) =>
      `See on väärtus: see ütleb, millele sa valides tähelepanu pöörad${q}. See saab liituda moraaligraafiga, kus teised saavad seda toetada ja oma väärtustega võrrelda.`,
    rule: (q) => `See on pigem reegel: see ütleb, mida teised peaksid tegema${q}.`,
    preference: (q) => `See on pigem eelistus: see ütleb, mis sulle meeldib${q}, aga mitte seda, miks see sulle oluline on.`,
    goal: (q) => `See on pigem eesmärk: see nimetab tulemuse, mis tuleks saavutada${q}.`,
    slogan: (q) => `See on pigem loosung: fraas${q}, mis ei nimeta midagi konkreetset, millele tähelepanu pöörata.`,
    other: (_q, context) => `Me ei suutnud seda lugeda väärtusena teemal ${context}.`,
  },
  other: {
    "no-concern":
      "See nimetab asju, mida sa märkad, aga mitte seda, mis on neis sinu või teiste jaoks kaalul: mida sa tahaksid kaitsta või kardaksid kaotada, kui see valik tehakse.",
    gibberish: "See näeb välja nagu juhuslikud tähed.",
    repetition: "Selles korduvad samad paar sõna.",
    "too-few-words": "Selles on liiga vähe sõnu, et öelda, mida sa märkad.",
    "empty-fields": "Mõni väli on tühi.",
    abuse: "Selles on solvanguid.",
    placeholder: "See näeb välja nagu proov või kohatäitetekst.",
    spam: "See näeb välja nagu reklaam.",
    "off-topic": "See ei räägi sellest küsimusest.",
    instruction: "Osa sellest pöördub seda lugeva masina poole, selle asemel et öelda, mida sa märkad; sellist teksti ei täideta kunagi.",
  },
  noun: { value: "väärtus", preference: "eelistus", slogan: "loosung", goal: "eesmärk", rule: "reegel", other: "midagi muud kui väärtus" },
  also: (noun) => `Selles on ka midagi, mis on pigem ${noun}.`,
  problem: {
    generic: (p) => `„${p}“ ei nimeta midagi kindlat, mida sa märkad.`,
    placeholder: (p) => `„${p}“ on kohatäitetekst.`,
    repeated: (p) => `„${p}“ kordab seda, mida kaart juba ütleb.`,
    "off-context": (p, context) => `„${p}“ räägib millestki muust kui teema ${context}.`,
    instruction: (p) => `„${p}“ pöördub masina poole ega ütle, mida sa märkad.`,
    prescription: (p) => `„${p}“ nõuab midagi teistelt, selle asemel et nimetada, mida sa märkad.`,
    liking: (p) => `„${p}“ ütleb, mis sulle meeldib, mitte seda, mida sa märkad.`,
    target: (p) => `„${p}“ nimetab arvu, mis tuleks saavutada, mitte seda, mida sa märkad.`,
  },
  emptyIntro: (n) => (n === 1 ? "Üks tähelepanu punkt ei loe:" : "Need tähelepanu punktid ei loe:"),
  valueWithEmpty: (n) =>
    n === 1 ? "Üks selle tähelepanu punkt ei loe veel, võid seda parandada:" : "Mõni selle tähelepanu punkt ei loe veel, võid neid parandada:",
  advice:
    "Väärtus ütleb, millele sa valides tähelepanu pöörad. Mõtle päris olukorrale, kus seisid selle valiku ees: mida sa vaatasid, mis sind muretsema pani, mis pani ühe võimaluse õigena tunduma? Nimeta need asjad: kes oli asjaga seotud, mis juhtus sinu või sinu andmetega, mida sa said või ei saanud teha.",
  thisQuestion: "selles küsimuses",
};

const RU: Wording = {
  quote: (t) => ` («${clip(t)}»)`,
  kind: {
    value: (q) =>
      `Это ценность: она говорит о том, на что вы обращаете внимание при выборе${q}. Она может войти в моральный граф, где другие смогут поддержать её и сравнить со своими.`,
    rule: (q) => `Это скорее правило: оно говорит, что должны делать другие${q}.`,
    preference: (q) => `Это скорее предпочтение: оно говорит, что вам нравится${q}, но не почему это для вас важно.`,
    goal: (q) => `Это скорее цель: она называет результат, которого нужно достичь${q}.`,
    slogan: (q) => `Это скорее лозунг: фраза${q}, в которой нет ничего конкретного, на что можно обратить внимание.`,
    other: (_q, context) => `Мы не смогли прочитать это как ценность ${context ? `в ситуации ${context}` : "по этому вопросу"}.`,
  },
  other: {
    "no-concern":
      "Здесь названо то, что вы замечаете, но не то, что в этом стоит на кону для вас или других: что вы хотели бы защитить или боитесь потерять, когда делается этот выбор.",
    gibberish: "Это похоже на случайный набор букв.",
    repetition: "Здесь повторяются одни и те же несколько слов.",
    "too-few-words": "Здесь слишком мало слов, чтобы сказать, что вы замечаете.",
    "empty-fields": "Некоторые поля пусты.",
    abuse: "Здесь есть оскорбления.",
    placeholder: "Это похоже на проверочный текст или заглушку.",
    spam: "Это похоже на рекламу.",
    "off-topic": "Это не о данном вопросе.",
    instruction: "Часть текста обращается к читающей его машине, а не говорит, что вы замечаете; такие указания никогда не выполняются.",
  },
  noun: { value: "ценность", preference: "предпочтение", slogan: "лозунг", goal: "цель", rule: "правило", other: "не ценность" },
  also: (noun) => `Отчасти это ещё и ${noun}.`,
  problem: {
    generic: (p) => `«${p}» не называет ничего определённого, что вы замечаете.`,
    placeholder: (p) => `«${p}» — текст-заглушка.`,
    repeated: (p) => `«${p}» повторяет то, что в карточке уже сказано.`,
    "off-context": (p, context) => `«${p}» — о другом, ${context ? `не о ситуации ${context}` : "не об этом вопросе"}.`,
    instruction: (p) => `«${p}» обращено к машине, а не говорит о том, что вы замечаете.`,
    prescription: (p) => `«${p}» требует чего-то от других, а не называет то, что вы замечаете.`,
    liking: (p) => `«${p}» говорит, что вам нравится, а не что вы замечаете.`,
    target: (p) => `«${p}» называет число, которого нужно достичь, а не то, что вы замечаете.`,
  },
  emptyIntro: (n) => (n === 1 ? "Один пункт не засчитывается:" : "Эти пункты не засчитываются:"),
  valueWithEmpty: (n) =>
    n === 1 ? "Один её пункт пока не засчитывается, его можно исправить:" : "Некоторые её пункты пока не засчитываются, их можно исправить:",
  advice:
    "Ценность говорит о том, на что вы обращаете внимание при выборе. Вспомните настоящий случай, когда вы стояли перед этим выбором: на что вы смотрели, что вас тревожило, почему один из вариантов казался правильным? Назовите это: кто был вовлечён, что случилось с вами или с вашими данными, что вы могли или не могли сделать.",
  // Russian governs the context by its own preposition in each sentence (above), so it stands empty here.
  thisQuestion: "",
};

const WORDING: Record<ReasonLanguage, Wording> = { en: EN, et: ET, ru: RU };

/** The context as it reads inside a sentence: "AI tutors for children", „Tehisintellektil põhinevad…“. */
function contextInSentence(context: string, language: ReasonLanguage): string {
  if (context === "") return WORDING[language].thisQuestion;
  if (language === "et") return `„${context}“`;
  if (language === "ru") return `«${context}»`;
  return /^\p{Lu}\p{Ll}/u.test(context) ? context.charAt(0).toLowerCase() + context.slice(1) : context;
}

export function gateReason(input: ReasonInput): string {
  const w = WORDING[input.language];
  const context = contextInSentence(input.context, input.language);
  const quoted = input.evidence && input.verdict !== "other" ? w.quote(input.evidence) : "";
  // Three short paragraphs, one per line: what it reads as, which policies name nothing, what to say instead.
  const verdict: string[] = [w.kind[input.verdict](quoted, context)];
  if (input.otherCause && (input.verdict === "other" || input.otherCause === "instruction")) verdict.push(w.other[input.otherCause]);
  if (input.also) verdict.push(w.also(w.noun[input.also]));
  const empty = input.quotePolicies === false ? [] : input.policies.filter((p) => p.problem !== null);
  const named = empty.slice(0, MAX_POLICIES_NAMED).map((p) => w.problem[p.problem!](clip(p.text, 60), context));
  const compose = (policies: string[]) =>
    [
      verdict.join(" "),
      policies.length > 0 ? [input.verdict === "value" ? w.valueWithEmpty(empty.length) : w.emptyIntro(empty.length), ...policies].join(" ") : "",
      input.verdict !== "value" ? w.advice : "",
    ]
      .filter((p) => p !== "")
      .join("\n");
  let text = compose(named);
  // Long policies can push the reason past its limit: drop named policies from the end, never the advice.
  while (text.length > MAX_REASON && named.length > 0) {
    named.pop();
    text = compose(named);
  }
  return text.slice(0, MAX_REASON);
}

/** The language a stored reason was written in, by how it opens (a quoted policy may be in the other language). */
export function reasonLanguage(reason: string): ReasonLanguage {
  if (/^\p{Script=Cyrillic}/u.test(reason)) return "ru";
  return /^(?:See on|Me ei suutnud|Selles|Osa sellest)/u.test(reason) ? "et" : "en";
}
