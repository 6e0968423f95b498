/**
 * Which language a citizen wrote in (English, Estonian or Russian), for texts written back to her: the guided
 * draft and the upgrade stories. Small and conservative: it answers `null` when her words give no
 * evidence, so the caller falls back to the page's language instead of guessing English.
 */
export type WritingLanguage = "en" | "et" | "ru";

// The commonest short words of each language; a card or an answer of a dozen words has several.
const EN_WORDS = new Set(
  (
    "the a an and or but of to in on at for with without from by about as is was were are be been being have has had do did does " +
    "not no can could would should will i i'm me my we our us they their them it its this that these those there when where how " +
    "what who why whether if because so people nobody someone anyone everyone moments ways signs places spaces chances noticed"
  ).split(" "),
);
const ET_WORDS = new Set(
  (
    "ja ning või aga kuid ka ei on oli olid olin pole polnud et kui mil mis kes kus kuidas miks kas sest kuna ma mina mul mulle " +
    "minu mind me meie meil meile nad nemad neid ta tema see seda selle sellest seal siin siis veel nii oma ilma mitte kõik keegi " +
    "midagi ainult väga juba hetked viisid märgid kohad võimalused olukorrad inimesed märkasin"
  ).split(" "),
);
const ET_LETTERS = /[õäöüšž]/;
const WORD = /[\p{L}']+/gu;

const CYRILLIC = /\p{Script=Cyrillic}/u;

/** Evidence for each language in a text: its common words, words with Estonian letters, Cyrillic words. */
function evidence(text: string): { en: number; et: number; ru: number } {
  let en = 0;
  let et = 0;
  let ru = 0;
  for (const word of text.normalize("NFC").toLowerCase().match(WORD) ?? []) {
    if (CYRILLIC.test(word)) ru++;
    else if (EN_WORDS.has(word)) en++;
    if (ET_WORDS.has(word)) et++;
    else if (ET_LETTERS.test(word)) et++;
  }
  return { en, et, ru };
}

/** The language a text is written in, or `null` when it does not say (no evidence, or a tie). */
export function writtenLanguage(...texts: readonly string[]): WritingLanguage | null {
  const { en, et, ru } = evidence(texts.join("\n"));
  // Every Cyrillic word is evidence of Russian: a Russian text is Russian once most of its words are.
  if (ru > 0 && ru >= en + et) return "ru";
  if (en === et) return null;
  return en > et ? "en" : "et";
}

/**
 * Whether a card or a guided answer is written mostly in a script the offline engine does not read
 * (Greek, Arabic, Chinese … anything but Latin and Cyrillic): more such letters than read ones. Such a
 * text is refused as unread, never misread as nonsense
 * (docs/decisions/0019-russian-pages-english-and-estonian-texts.md). Cards are read in English,
 * Estonian and Russian.
 */
export function unreadScript(...texts: readonly string[]): boolean {
  return mostlyOtherScript(texts, /\p{Script=Latin}|\p{Script=Cyrillic}/u);
}

/**
 * Whether a matter's text (a clause, an alternative wording, an amendment) is written mostly in a
 * script other than its language's: Latin for an English or Estonian matter, Cyrillic for a Russian one
 * (decision 19 as amended). The clause reader reads a matter's text in the matter's language, so a
 * clause in another script would be read as saying nothing: it is refused unread, never misread.
 */
export function unreadClauseScript(language: WritingLanguage, ...texts: readonly string[]): boolean {
  return mostlyOtherScript(texts, language === "ru" ? /\p{Script=Cyrillic}/u : /\p{Script=Latin}/u);
}

function mostlyOtherScript(texts: readonly string[], read: RegExp): boolean {
  let other = 0;
  let known = 0;
  for (const letter of texts.join(" ").match(/\p{L}/gu) ?? []) {
    if (read.test(letter)) known++;
    else other++;
  }
  return other > known;
}
