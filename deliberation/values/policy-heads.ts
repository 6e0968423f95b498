import type { WritingLanguage } from "./language.js";

/**
 * Curated words for writing attentional policies back to a citizen (the guided draft, the upgrade
 * stories): the heads a policy opens with ("MOMENTS when…", "HETKED, mil…") and their forms inside a
 * sentence, and the lead-ins that report noticing rather than say what was noticed. Data for a
 * linguist to review; the algorithms are in guided.ts and stories.ts.
 */

/** English plural heads; a singular one before its connector ("a moment when") becomes the plural. */
export const EN_HEADS: ReadonlyMap<string, string> = new Map(
  Object.entries({
    moment: "moments",
    time: "times",
    way: "ways",
    place: "places",
    space: "spaces",
    situation: "situations",
    sign: "signs",
    feeling: "feelings",
    chance: "chances",
    opportunity: "opportunities",
    person: "people",
    question: "questions",
    word: "words",
    detail: "details",
    pattern: "patterns",
    conversation: "conversations",
    story: "stories",
    difference: "differences",
    reason: "reasons",
    gap: "gaps",
  }).flatMap(([singular, plural]) => [
    [singular, plural],
    [plural, plural],
  ]),
);

/** Connectors after which a singular head is one of the heads above, not an ordinary noun. */
export const EN_HEAD_CONNECTORS = new Set(["when", "where", "that", "to", "of", "who", "in", "which", "whenever", "while"]);

/**
 * Estonian heads: nominative plural (the form a policy opens with) → allative plural, the form a
 * story needs after "pöörama tähelepanu" (to pay attention to): "HETKED, mil…" → "hetkedele, mil…".
 */
export const ET_HEAD_ALLATIVE: ReadonlyMap<string, string> = new Map(
  Object.entries({
    hetked: "hetkedele",
    viisid: "viisidele",
    kohad: "kohtadele",
    paigad: "paikadele",
    ruumid: "ruumidele",
    märgid: "märkidele",
    inimesed: "inimestele",
    võimalused: "võimalustele",
    olukorrad: "olukordadele",
    tunded: "tunnetele",
    põhjused: "põhjustele",
    küsimused: "küsimustele",
    sõnad: "sõnadele",
    vestlused: "vestlustele",
    selgitused: "selgitustele",
    vihjed: "vihjetele",
    sildid: "siltidele",
    üksikasjad: "üksikasjadele",
    detailid: "detailidele",
    kõhklused: "kõhklustele",
    erinevused: "erinevustele",
    mustrid: "mustritele",
    juhtumid: "juhtumitele",
    lapsed: "lastele",
    kulud: "kuludele",
    teated: "teadetele",
    otsused: "otsustele",
    lüngad: "lünkadele",
    ajad: "aegadele",
    kaamerad: "kaameratele",
    erandid: "eranditele",
    videod: "videodele",
    salvestised: "salvestistele",
    sõbrad: "sõpradele",
    ülesanded: "ülesannetele",
    märkmed: "märkmetele",
    vead: "vigadele",
    andmed: "andmetele",
    ametnikud: "ametnikele",
    õpetajad: "õpetajatele",
    vanemad: "vanematele",
    lapsevanemad: "lapsevanematele",
    reeglid: "reeglitele",
    hinded: "hinnetele",
    vastused: "vastustele",
    taotlused: "taotlustele",
    asutused: "asutustele",
    // Singular heads a policy may open with.
    aeg: "ajale",
    kiirus: "kiirusele",
    tasakaal: "tasakaalule",
  }),
);

/** Estonian singular heads (and the nominative plural a policy uses instead). */
export const ET_SINGULAR_HEADS: ReadonlyMap<string, string> = new Map(
  Object.entries({
    hetk: "hetked",
    viis: "viisid",
    koht: "kohad",
    märk: "märgid",
    võimalus: "võimalused",
    olukord: "olukorrad",
    tunne: "tunded",
    põhjus: "põhjused",
    inimene: "inimesed",
  }),
);

/** Words in capitals that are names, not policy heads: never lower-cased inside a sentence. */
export const ACRONYMS = new Set(["AI", "TI", "EU", "EL", "CCTV", "GDPR", "UN", "UK", "USA", "NATO", "ERR", "KOV", "RIK", "ID", "SMS", "PIN", "QR"]);

/**
 * Russian heads: the nominative plural a policy opens with ("МОМЕНТЫ, когда…"), from itself and from
 * its singular. A story puts them after "для меня важны", where the plural agrees as it stands.
 */
export const RU_HEADS: ReadonlyMap<string, string> = new Map(
  Object.entries({
    момент: "моменты",
    способ: "способы",
    место: "места",
    признак: "признаки",
    знак: "знаки",
    человек: "люди",
    случай: "случаи",
    возможность: "возможности",
    ситуация: "ситуации",
    причина: "причины",
    ощущение: "ощущения",
    слово: "слова",
    вопрос: "вопросы",
    разговор: "разговоры",
  }).flatMap(([singular, plural]) => [
    [singular, plural],
    [plural, plural],
  ]),
);

/** Is `word` (any case) a policy head of any language? */
export function isHead(word: string): boolean {
  const w = word.toLowerCase();
  return EN_HEADS.has(w) || ET_HEAD_ALLATIVE.has(w) || RU_HEADS.has(w);
}

/**
 * "I noticed that", "ma märkasin, et": reports of noticing that come before what was noticed.
 * Applied repeatedly at the start of a line; the policy keeps what follows.
 */
export const NOTICING_LEAD_INS: Readonly<Record<WritingLanguage, readonly RegExp[]>> = {
  en: [
    /^(?:and|but|also|then)\s+/i,
    /^(?:what|the (?:first |main |only )?thing)\s+(?:I|we)\s+(?:noticed|saw|realised|realized)\s+(?:was|is)\s+/i,
    /^(?:I|we)\s+(?:also\s+|first\s+|then\s+)?(?:noticed|notice|saw|realised|realized)(?:\s+that)?(?:\s+|$)/i,
    /^(?:I|we)\s+(?:also\s+|first\s+|then\s+)?(?:found|discovered|learned|learnt)\s+that\s+/i,
    /^that\s+/i,
  ],
  et: [
    /^(?:ja|aga|ka|siis)\s+/i,
    /^(?:ma\s+|mina\s+)?(?:märkasin|nägin|taipasin|mõistsin|avastasin|panin\s+tähele)(?:\s+ka)?,?\s+et\s+/i,
    /^(?:mulle\s+)?jäi\s+(?:mulle\s+)?silma,?\s+et\s+/i,
    /^(?:ma\s+|mina\s+)?(?:märkasin|panin\s+tähele)$/i,
    /^et\s+/i,
  ],
  ru: [
    /^(?:и|а|но|также|ещё|еще|потом|тогда)\s+/iu,
    /^(?:я\s+|мы\s+)?(?:также\s+|сразу\s+|потом\s+)?(?:заметила?|заметили|увидела?|увидели|поняла?|поняли|поняли|поняла?|обратила?\s+внимание(?:\s+на\s+то)?),?\s+(?:что|как)\s+/iu,
    /^(?:мне\s+)?бросилось\s+в\s+глаза,?\s+(?:что|как)\s+/iu,
    /^(?:я\s+|мы\s+)?(?:заметила?|заметили|обратила?\s+внимание)$/iu,
    /^что\s+/iu,
  ],
};

/**
 * "What mattered to me was", "mulle oli tähtis, et": frames around what mattered. Stripped for the
 * card's title; the description keeps her sentence as she wrote it.
 */
export const MATTERED_LEAD_INS: Readonly<Record<WritingLanguage, readonly RegExp[]>> = {
  en: [
    /^what\s+(?:really\s+)?mattered\s+(?:to\s+me\s+)?(?:most\s+)?(?:was|is)(?:\s+|$)/i,
    /^what\s+(?:felt|was|is)\s+(?:most\s+)?important\s+(?:to\s+me\s+)?(?:was|is)(?:\s+|$)/i,
    /^the\s+most\s+important\s+thing\s+(?:for\s+me\s+|to\s+me\s+)?(?:was|is)(?:\s+|$)/i,
    /^(?:it\s+)?mattered\s+(?:to\s+me\s+)?that(?:\s+|$)/i,
    /^(?:it\s+was|it's|it\s+is)\s+important\s+(?:to\s+me\s+)?that(?:\s+|$)/i,
    /^(?:for|to)\s+me,?\s+/i,
    /^(?:I|we)\s+care(?:d)?\s+(?:most\s+)?about\s+/i,
    /^that(?:\s+|$)/i,
  ],
  et: [
    /^(?:mulle|minu\s+jaoks)\s+(?:oli|on)\s+(?:kõige\s+)?(?:tähtis|oluline|tähtsam|olulisem)(?:\s+see)?(?:,\s*et\s+|:\s*|\s+)/i,
    /^(?:kõige\s+)?(?:tähtsam|olulisem)\s+(?:oli|on)(?:\s+see)?(?:,\s*et\s+|:\s*|\s+)/i,
    /^mulle\s+läks\s+(?:kõige\s+rohkem\s+)?korda(?:\s+see)?(?:,\s*et\s+|\s+)/i,
    /^et\s+/i,
  ],
  ru: [
    /^(?:для\s+меня|мне)\s+(?:было\s+|будет\s+)?(?:важнее\s+всего|самое\s+важное|главное|важно)(?:\s+было)?(?:,?\s*(?:чтобы|что)\s+|:\s*|\s*[—–-]\s*|\s+)/iu,
    /^(?:самое\s+)?(?:важное|главное)(?:\s+для\s+меня)?(?:\s+было)?(?:\s*[—–-]\s*|:\s*|,?\s*(?:то,?\s*)?(?:чтобы|что)\s+|\s+)/iu,
    /^(?:чтобы|что)\s+/iu,
  ],
};
