/**
 * The words of a value card, for the dedupe (dedupe.ts): English, Estonian and Russian stopwords, the generic
 * heads attentional policies open with, light stemmers, and a guess at a card's language. Data and
 * pure functions; stems are memoised in memory, which changes speed, never results.
 */

export type CardLanguage = "en" | "et" | "ru";
export const CARD_LANGUAGES: readonly CardLanguage[] = ["en", "et", "ru"];

// ---------------------------------------------------------------------------------------------
// Word lists

export const EN_STOPWORDS = new Set(
  (
    "a about above after again against all also am an and any are as at be because been before being below between both but by " +
    "can cannot could did didn do does doesn doing don down during each either even ever every few for from further get gets got " +
    "had has have having he her here hers herself him himself his how i if in into is isn it its itself just let ll may me might " +
    "more most much must my myself neither no nor not now of off on once one ones only or other others our ours ourselves out over " +
    "own re same she should shouldn so some someone something such than that the their theirs them themselves then there these they " +
    "this those through to too under until up upon us ve very was wasn we were weren what when whenever where whether which while " +
    "who whom whose why will with within without won would wouldn couldn aren isn you your yours yourself yourselves able like"
  ).split(" "),
);

export const ET_STOPWORDS = new Set(
  (
    "ja ning ega et on oli olid olen oled oleme olete ole olla olnud pole ei mitte mis mida mille milles millest millele millega " +
    "millal kes keda kelle kellel kellele kui kuid aga või vaid ka ju just see selle seda sellest sellel sellele seal siin need " +
    "neid nende neile neil nad ma mina mu minu mind mulle minul minult minust sa sina su sinu sind sulle ta tema teda talle temal " +
    "me meie meid meile meil te teie teid teile oma enda ise end iga kõik kõigi kas kus kuhu kust kuidas miks kuna sest kuigi siis " +
    "nii veel juba väga ilma poolt jaoks kohta üle alla vastu järgi ees taga juures kaudu abil pärast enne ajal koos saab saan saad " +
    "saavad võib võivad võin peab pean peavad tuleb sama samuti ehk üks ühe mingi midagi keegi kedagi kellegi ainult isegi eriti " +
    "liiga rohkem vähem nagu siis sellised selline niisugune too tolle"
  ).split(" "),
);

export const RU_STOPWORDS = new Set(
  (
    "и в во не что он на я с со как а то все всё она так его но да ты к у же вы за бы по только ее её мне было вот от меня еще ещё нет о из ему " +
    "теперь когда даже ну вдруг ли если уже или ни быть был него до вас нибудь опять уж вам ведь там потом себя ничего ей может они тут где " +
    "есть надо ней для мы тебя их чем была сам чтоб без будто чего раз тоже себе под будет ж тогда кто этот того потому этого какой совсем " +
    "ним здесь этом один почти мой тем чтобы нее неё сейчас были куда зачем всех никогда можно при наконец два об другой хоть после над больше " +
    "тот через эти нас про всего них какая много разве три эту моя впрочем хорошо свою этой перед иногда лучше чуть том нельзя такой им более " +
    "всегда конечно всю между это эта мои мою моё мое моих моим моей моего моему свой своя свои своих своим своей своего которые который " +
    "которая которое которых которой котором которым весь вся всю всем всеми очень просто также либо ли"
  ).split(" "),
);

/**
 * The generic heads an attentional policy opens with ("MOMENTS when…", "HETKED, kui…"): every card
 * has them, so they say nothing about which value it is. Dropped where they open a policy (in any
 * case); elsewhere ("in public spaces") the word is content and stays.
 */
export const POLICY_HEADS = new Set(
  (
    "moments moment ways way spaces space places place signs sign chances chance feelings feeling opportunities opportunity " +
    "situations situation times time things thing kinds kind people " +
    "hetked hetki hetk hetke viisid viise viis kohad kohti koht märgid märke märk võimalused võimalusi võimalus tunded tundeid " +
    "tunne olukorrad olukordi olukord ajad aegu ruumid ruume asjad asju inimesed " +
    "моменты момент способы способ места место пространства признаки знаки возможности возможность ощущения чувства ситуации ситуация " +
    "случаи случай вещи вещь люди времена"
  ).split(" "),
);

/** Words that may join heads at the start of a policy: "the SPACES and PLACES where". */
/** Russian first-person pronouns in their cases ("I", "we", "my", "our"): a text that speaks as its writer. */
export const RU_FIRST_PERSON_PRONOUNS: readonly string[] = [
  ..."я меня мне мной мой моя моё мое мои моего моей моих моему моим".split(" "),
  ..."мы нас нам нами наш наша наше наши нашего нашей наших".split(" "),
];

export const HEAD_CONNECTORS = new Set(["the", "all", "and", "or", "ja", "ning", "või", "и", "или"]);

/** Letters only Estonian uses among the two languages: a strong hint on their own. */
const ET_LETTERS = /[õäöüšž]/;

// ---------------------------------------------------------------------------------------------
// Stemmers: light and conservative; they only need to map a word's usual forms to one key.

/**
 * Stems are pure functions of the word and a polity's vocabulary is small, so they are remembered
 * (intake stems thousands of cards a second). The memo is emptied when it grows past a bound.
 */
const MEMO_LIMIT = 100_000;
const EN_STEMS = new Map<string, string>();
const ET_STEMS = new Map<string, string>();

function memo(cache: Map<string, string>, word: string, compute: (word: string) => string): string {
  let stem = cache.get(word);
  if (stem === undefined) {
    if (cache.size >= MEMO_LIMIT) cache.clear();
    stem = compute(word);
    cache.set(word, stem);
  }
  return stem;
}

const EN_DERIVATIONAL: ReadonlyArray<readonly [string, string]> = [
  ["ication", "i"], // identification → identifi (= identify)
  ["cision", "cid"], // decision → decid (= decide)
  ["ation", ""], // observation → observ (= observe)
  ["ition", ""],
  ["tion", "t"], // protection → protect
  ["sion", "s"],
  ["ment", ""],
  ["ness", ""],
  ["ity", ""], // security → secur (= secure)
  ["able", ""],
  ["ible", ""],
  ["ive", ""],
  ["ful", ""],
  ["ous", ""],
  ["ly", ""],
  ["er", ""], // watcher → watch
];

const EN_MIN_STEM = 4;

function isVowel(ch: string | undefined): boolean {
  return ch !== undefined && "aeiouy".includes(ch);
}

/** Irregular plurals common in value cards. */
const EN_IRREGULAR: ReadonlyMap<string, string> = new Map([
  ["children", "child"],
  ["people", "person"],
  ["persons", "person"],
  ["men", "man"],
  ["women", "woman"],
  ["lives", "life"],
  ["wives", "wife"],
]);

/** A Porter-flavoured English stemmer, much lighter: plurals, -ing/-ed, common derivations, final e/y. */
export function stemEnglish(word: string): string {
  return memo(EN_STEMS, word, stemEnglishUncached);
}

function stemEnglishUncached(word: string): string {
  const irregular = EN_IRREGULAR.get(word);
  if (irregular !== undefined) return stemEnglishUncached(irregular);
  if (word.length <= 3 || !/^[a-z]+$/.test(word)) return word;
  let s = word;
  // Plurals and third person.
  if (s.endsWith("sses")) s = s.slice(0, -2);
  else if (s.endsWith("ies") && s.length > 4) s = `${s.slice(0, -3)}y`;
  else if (/(?:ch|sh|x|z|ss)es$/.test(s) && s.length - 2 >= 3) s = s.slice(0, -2);
  else if (s.endsWith("s") && !/(?:ss|us|is)$/.test(s)) s = s.slice(0, -1);
  // -ing, -ed (not the -eed of need, speed).
  for (const suffix of ["ingly", "edly", "ing", "ed"]) {
    if (!s.endsWith(suffix)) continue;
    const rest = s.slice(0, -suffix.length);
    if (suffix.endsWith("ed") && rest.endsWith("e")) break;
    if (rest.length >= 3 && [...rest].some(isVowel)) {
      const last = rest.charAt(rest.length - 1);
      const doubled = rest.length >= 4 && last === rest.charAt(rest.length - 2) && !isVowel(last) && !"lsz".includes(last);
      s = doubled ? rest.slice(0, -1) : rest;
    }
    break;
  }
  // Up to two derivational suffixes (dangerous → danger → dang, like danger itself).
  for (let round = 0; round < 2; round++) {
    const rule = EN_DERIVATIONAL.find(([suffix, by]) => s.endsWith(suffix) && s.length - suffix.length + by.length >= EN_MIN_STEM);
    if (!rule) break;
    s = s.slice(0, -rule[0].length) + rule[1];
  }
  if (s.endsWith("e") && s.length - 1 >= 3) s = s.slice(0, -1);
  if (s.endsWith("y") && s.length - 1 >= 3 && !isVowel(s.charAt(s.length - 2))) s = `${s.slice(0, -1)}i`;
  return s;
}

/**
 * Estonian endings, stripped longest first: plural and case endings, the common verb endings and
 * the -mine/-mise nominalisation, so "jälgimine", "jälgimisest", "jälgitakse", "jälgivad" meet at "jälg".
 */
const ET_ENDINGS: readonly string[] = [
  // plural + case
  "desse",
  "tesse",
  "dest",
  "test",
  "dele",
  "tele",
  "delt",
  "telt",
  "deks",
  "teks",
  "deni",
  "teni",
  "dena",
  "tena",
  "deta",
  "teta",
  "dega",
  "tega",
  "des",
  "tes",
  "del",
  "tel",
  "sid",
  "de",
  "te",
  "id",
  // singular case
  "sse",
  "st",
  "ks",
  "ga",
  "le",
  "lt",
  "ni",
  "s",
  "l",
  "d",
  "t",
  // verb forms and derivations
  "takse",
  "taks",
  "mata",
  "matu",
  "mise",
  "mine",
  "mis",
  "tud",
  "nud",
  "vad",
  "da",
  "ma",
  "b",
  "ne",
  "se",
  // stem vowels, so "masin"/"masina", "robot"/"robotiga" meet
  "a",
  "e",
  "i",
  "u",
].sort((x, y) => y.length - x.length || (x < y ? -1 : x > y ? 1 : 0));

const ET_MIN_STEM = 4;
const ET_MAX_ROUNDS = 8;
const ET_VOWELS = "aeiouõäöü";

const ET_ENDING_SET: ReadonlySet<string> = new Set(ET_ENDINGS);
const ET_LONGEST_ENDING = Math.max(...ET_ENDINGS.map((e) => e.length));

/** The longest ending that may be stripped from `word`, or null. */
function etEnding(word: string): string | null {
  for (let length = Math.min(ET_LONGEST_ENDING, word.length - ET_MIN_STEM); length >= 1; length--) {
    const ending = word.slice(word.length - length);
    if (!ET_ENDING_SET.has(ending)) continue;
    if (length > 1 || "aeiu".includes(ending)) return ending;
    // A single consonant is a case ending after a vowel ("avaliku-s", "kaamera-d"), or the partitive
    // -t after s ("otsus-t"); "kontroll", "masin" keep theirs.
    const before = word.charAt(word.length - 2);
    if (ET_VOWELS.includes(before) || (ending === "t" && before === "s")) return ending;
  }
  return null;
}

/**
 * Estonian suffix stripping: endings (longest first) are stripped again and again while the stem keeps
 * at least 4 letters, so a word's forms meet at one key ("kaamerate", "kaamerad", "kaamera" → "kaamer";
 * "otsus", "otsuse", "otsust" → "otsu"). A single consonant goes only after a vowel (or -t after s).
 * Consonant gradation ("rääkima"/"räägin") and compounds are not handled.
 */
export function stemEstonian(word: string): string {
  return memo(ET_STEMS, word, stemEstonianUncached);
}

function stemEstonianUncached(word: string): string {
  if (word.length <= ET_MIN_STEM || !/^\p{L}+$/u.test(word)) return word;
  let s = word;
  for (let round = 0; round < ET_MAX_ROUNDS; round++) {
    const ending = etEnding(s);
    if (ending === null) break;
    s = s.slice(0, -ending.length);
  }
  return s;
}

/**
 * Russian: the Snowball stemmer's steps, lightly (perfective gerunds, reflexives, adjectival and
 * participle endings, verb and noun endings, then -ость and a final ь, all inside the part after the
 * first vowel), then the -ение/-ание of a verbal noun and a verb's stem vowel, so "решение",
 * "решения", "решением" meet at "реш", and "объяснять", "объяснил", "объяснение" at "объясн". ё is read as е. Prefixes and aspect pairs are not handled.
 */
const RU_STEMS = new Map<string, string>();
const RU_VOWELS = "аеиоуыэюя";
const RU_PERFECTIVE = /(?:(?<=[ая])(?:вшись|вши|в)|ившись|ывшись|ивши|ывши|ив|ыв)$/u;
const RU_REFLEXIVE = /(?:ся|сь)$/u;
const RU_ADJECTIVE = /(?:ими|ыми|его|ого|ему|ому|ее|ие|ые|ое|ей|ий|ый|ой|ем|им|ым|ом|их|ых|ую|юю|ая|яя|ою|ею)$/u;
const RU_PARTICIPLE = /(?:(?<=[ая])(?:ем|нн|вш|ющ|щ)|ивш|ывш|ующ)$/u;
const RU_VERB =
  /(?:(?<=[ая])(?:ла|на|ете|йте|ли|й|л|ем|н|ло|но|ет|ют|ны|ть|ешь|нно)|ила|ыла|ена|ейте|уйте|ите|или|ыли|ей|уй|ил|ыл|им|ым|ен|ило|ыло|ено|ят|ует|уют|ит|ыт|ены|ить|ыть|ишь|ую|ю)$/u;
const RU_NOUN = /(?:иями|ями|ами|иях|ией|ием|ями|иям|ах|ях|ев|ов|ие|ье|ьё|ей|ой|ий|ям|ем|ам|ом|ию|ью|ия|ья|и|ы|ь|ю|у|о|а|е|й|я)$/u;
const RU_MIN_STEM = 3;

/** Folds what Russian writers vary in (ё as е), for matching; the text shown stays as written. */
export function foldRussian(word: string): string {
  return word.replace(/ё/g, "е").replace(/Ё/g, "Е");
}

export function stemRussian(word: string): string {
  return memo(RU_STEMS, word, stemRussianUncached);
}

function stemRussianUncached(raw: string): string {
  const word = foldRussian(raw);
  if (word.length <= RU_MIN_STEM + 1 || !/^[а-я]+$/u.test(word)) return word;
  let start = 0;
  while (start < word.length && !RU_VOWELS.includes(word.charAt(start))) start++;
  if (start >= word.length - 1) return word;
  const head = word.slice(0, start + 1);
  let rv = word.slice(start + 1);
  const strip = (re: RegExp): boolean => {
    const m = rv.match(re);
    if (!m || m[0].length === 0 || rv.length - m[0].length + head.length < RU_MIN_STEM) return false;
    rv = rv.slice(0, -m[0].length);
    return true;
  };
  if (!strip(RU_PERFECTIVE)) {
    strip(RU_REFLEXIVE);
    if (strip(RU_ADJECTIVE)) strip(RU_PARTICIPLE);
    else if (!strip(RU_VERB)) strip(RU_NOUN);
  }
  strip(/и$/u);
  strip(/ость?$/u);
  if (rv.endsWith("нн")) rv = rv.slice(0, -1);
  else strip(/ь$/u);
  // A verb and its -ение/-ание noun meet: "объяснять", "объяснение" → "объясн".
  if (rv.length >= 3) strip(/(?:ен|ан|а|я)$/u);
  return head + rv;
}

// ---------------------------------------------------------------------------------------------
// Tokens

const WORD = /[\p{L}\p{M}\p{N}]+/gu;

/** The words of a text, lower case, NFC (so "õ" is one letter however it was typed), ё read as е. */
export function wordsOf(text: string): string[] {
  return foldRussian(text.normalize("NFC").toLowerCase()).match(WORD) ?? [];
}

const CYRILLIC = /\p{Script=Cyrillic}/u;

/**
 * English, Estonian or Russian: Russian when most of its words are Cyrillic, otherwise by which
 * language's stopwords and letters the card uses more.
 */
export function languageOf(texts: readonly string[][]): CardLanguage {
  let en = 0;
  let et = 0;
  let cyrillic = 0;
  let words = 0;
  for (const list of texts) {
    for (const word of list) {
      words++;
      if (CYRILLIC.test(word)) {
        cyrillic++;
        continue;
      }
      if (EN_STOPWORDS.has(word)) en++;
      if (ET_STOPWORDS.has(word)) et++;
      if (ET_LETTERS.test(word)) et++;
    }
  }
  if (cyrillic * 2 > words) return "ru";
  return et > en ? "et" : "en";
}

/** The stopwords and the stemmer of a card's language. */
export function stopwordsOf(language: CardLanguage): ReadonlySet<string> {
  return language === "et" ? ET_STOPWORDS : language === "ru" ? RU_STOPWORDS : EN_STOPWORDS;
}
export function stemmerOf(language: CardLanguage): (word: string) => string {
  return language === "et" ? stemEstonian : language === "ru" ? stemRussian : stemEnglish;
}
