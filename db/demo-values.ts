/**
 * The demo polity's values (DESIGN.md, "Why thick values"): four choice contexts, value cards written by
 * its citizens, a plan of endorsements, and a deterministic model of how citizens judge which of two
 * values is wiser — so that the moral graph means something on first start.
 *
 * Pure data and small pure helpers; no I/O, no randomness. Citizens are numbered as in
 * `db/factories.ts` (`demoCitizen(i)`, district `["Tartu", "Tallinn", "Ida-Viru"][(i - 1) % 3]`).
 * Citizens 1–12 have accounts and are left almost untouched (1–3 not at all), so that people trying the
 * demo and the tests write their own; citizens 13–72 hold most of the content.
 *
 * Cards that express the same value (the `value` key) are paraphrases, written so that the offline
 * dedupe merges them into one canonical value; the first card of each value is the one it merges into.
 * Their supports differ on purpose: some values are held by many, some by a few — e.g. a value
 * community of Ida-Viru citizens who care about Russian-language access.
 */

export const DEMO_CONTEXTS = [
  {
    id: "ai-decisions-about-people",
    title: "AI systems that make decisions about people",
    titleEt: "Tehisintellekti süsteemid, mis teevad inimeste kohta otsuseid",
    titleRu: "Системы ИИ, которые принимают решения о людях",
    description: "Automated systems that grant or refuse benefits, loans, permits and services, or rank people for them.",
    descriptionEt:
      "Automatiseeritud süsteemid, mis annavad või jätavad andmata toetusi, laene, lube ja teenuseid või seavad inimesi nende saamiseks pingeritta.",
    descriptionRu:
      "Автоматизированные системы, которые решают, дать ли человеку пособие, кредит, разрешение или услугу, или выстраивают людей в очередь за ними.",
  },
  {
    id: "ai-media-in-elections",
    title: "AI-generated media in elections",
    titleEt: "Tehisintellektiga loodud meedia valimistel",
    titleRu: "Созданные ИИ материалы на выборах",
    description: "Images, audio and video made or altered by AI that reach voters during an election campaign.",
    descriptionEt: "Tehisintellektiga loodud või muudetud pildid, heli ja videod, mis jõuavad valimiskampaania ajal valijateni.",
    descriptionRu: "Изображения, аудио и видео, созданные или изменённые с помощью ИИ, которые доходят до избирателей во время предвыборной кампании.",
  },
  {
    id: "ai-tutors-for-children",
    title: "AI tutors for children",
    titleEt: "Tehisintellektil põhinevad õpiabilised lastele",
    titleRu: "ИИ-репетиторы для детей",
    description: "AI systems that teach, coach or help school-age children with their learning, at school or at home.",
    descriptionEt: "Tehisintellekti süsteemid, mis õpetavad, juhendavad või aitavad kooliealisi lapsi õppimisel koolis või kodus.",
    descriptionRu: "Системы ИИ, которые учат школьников, занимаются с ними или помогают им с учёбой — в школе или дома.",
  },
  {
    id: "biometric-identification-public-spaces",
    title: "Real-time biometric identification in public spaces",
    titleEt: "Reaalajas biomeetriline tuvastamine avalikus ruumis",
    titleRu: "Биометрическая идентификация в общественных местах в реальном времени",
    description: "Cameras and systems that recognise people by their face, gait or voice as they move through streets, stations and squares.",
    descriptionEt: "Kaamerad ja süsteemid, mis tunnevad inimesi ära näo, kõnnaku või hääle järgi, kui nad liiguvad tänavatel, jaamades ja väljakutel.",
    descriptionRu: "Камеры и системы, которые узнают людей по лицу, походке или голосу, когда те находятся на улицах, вокзалах и площадях.",
  },
] as const satisfies readonly DemoContext[];

export interface DemoContext {
  /** A slug, stable across seeds. */
  id: string;
  title: string;
  titleEt: string;
  titleRu: string;
  /** One sentence, English; and the same in Estonian and Russian. */
  description: string;
  descriptionEt: string;
  descriptionRu: string;
}

export type DemoContextId = (typeof DEMO_CONTEXTS)[number]["id"];
export type DemoLanguage = "en" | "et";
/** How wise citizens tend to find a value in its context: 1 narrow … 5 integrates the most concerns. */
export type Wisdom = 1 | 2 | 3 | 4 | 5;

/** A distinct value of the demo polity: its paraphrases share the id. */
export interface DemoValue {
  id: string;
  contextId: DemoContextId;
  wisdom: Wisdom;
  /** How many citizens (other than its holders) endorse it in the demo. */
  endorsements: number;
  /** Endorsers come first from this district, for about this share of the endorsements. */
  endorsedIn?: { district: DemoDistrict; share: number };
}

export type DemoDistrict = "Tartu" | "Tallinn" | "Ida-Viru";

export interface DemoCard {
  /** Registry index of the author (`demoCitizen(citizen)`). */
  citizen: number;
  contextId: DemoContextId;
  /** The distinct value this card expresses (`DemoValue.id`). */
  value: string;
  /** The value's wisdom, copied onto every card of it. */
  wisdom: Wisdom;
  lang: DemoLanguage;
  title: string;
  description: string;
  policies: readonly string[];
}

export interface DemoEndorsement {
  citizen: number;
  contextId: DemoContextId;
  /** Index into DEMO_CARDS: a card of the value endorsed (the card it was founded by). */
  cardIndex: number;
}

/** The district of demo citizen `i`, as `db/factories.ts` assigns it. */
export function demoDistrict(citizen: number): DemoDistrict {
  return (["Tartu", "Tallinn", "Ida-Viru"] as const)[(citizen - 1) % 3]!;
}

// ───────────────────────────── the distinct values ─────────────────────────────

const DEC = "ai-decisions-about-people";
const EL = "ai-media-in-elections";
const TUT = "ai-tutors-for-children";
const BIO = "biometric-identification-public-spaces";

export const DEMO_VALUES = [
  // AI systems that make decisions about people
  { id: "dec-contestable", contextId: DEC, wisdom: 4, endorsements: 10 },
  { id: "dec-human-situation", contextId: DEC, wisdom: 3, endorsements: 6 },
  { id: "dec-consistency", contextId: DEC, wisdom: 2, endorsements: 3 },
  { id: "dec-timely", contextId: DEC, wisdom: 2, endorsements: 4 },
  { id: "dec-russian-appeals", contextId: DEC, wisdom: 3, endorsements: 5, endorsedIn: { district: "Ida-Viru", share: 1 } },
  { id: "dec-learning-from-errors", contextId: DEC, wisdom: 5, endorsements: 7 },
  // AI-generated media in elections
  { id: "el-knowing-real", contextId: EL, wisdom: 3, endorsements: 10 },
  { id: "el-satire", contextId: EL, wisdom: 2, endorsements: 3 },
  { id: "el-time-to-refute", contextId: EL, wisdom: 4, endorsements: 6 },
  { id: "el-believing-each-other", contextId: EL, wisdom: 5, endorsements: 6 },
  { id: "el-small-parties", contextId: EL, wisdom: 2, endorsements: 3 },
  { id: "el-russian-corrections", contextId: EL, wisdom: 3, endorsements: 5, endorsedIn: { district: "Ida-Viru", share: 1 } },
  // AI tutors for children
  { id: "tut-own-pace", contextId: TUT, wisdom: 2, endorsements: 9 },
  { id: "tut-own-thinking", contextId: TUT, wisdom: 4, endorsements: 6 },
  { id: "tut-teacher-bond", contextId: TUT, wisdom: 3, endorsements: 7 },
  { id: "tut-childhood-data", contextId: TUT, wisdom: 3, endorsements: 7 },
  { id: "tut-every-family", contextId: TUT, wisdom: 3, endorsements: 4, endorsedIn: { district: "Ida-Viru", share: 0.75 } },
  { id: "tut-curiosity", contextId: TUT, wisdom: 5, endorsements: 6 },
  // Real-time biometric identification in public spaces
  { id: "bio-unobserved", contextId: BIO, wisdom: 4, endorsements: 10, endorsedIn: { district: "Tartu", share: 0.7 } },
  { id: "bio-missing-child", contextId: BIO, wisdom: 3, endorsements: 9 },
  { id: "bio-crowd-safety", contextId: BIO, wisdom: 2, endorsements: 5 },
  { id: "bio-protest", contextId: BIO, wisdom: 4, endorsements: 5 },
  { id: "bio-false-match", contextId: BIO, wisdom: 3, endorsements: 4, endorsedIn: { district: "Ida-Viru", share: 1 } },
  { id: "bio-bounded-search", contextId: BIO, wisdom: 5, endorsements: 7 },
] as const satisfies readonly DemoValue[];

export type DemoValueId = (typeof DEMO_VALUES)[number]["id"];

const VALUE_BY_ID: ReadonlyMap<string, DemoValue> = new Map(DEMO_VALUES.map((v) => [v.id, v]));

export function demoValue(id: string): DemoValue {
  const value = VALUE_BY_ID.get(id);
  if (!value) throw new Error(`no demo value ${id}`);
  return value;
}

function card(value: DemoValueId, citizen: number, lang: DemoLanguage, title: string, description: string, policies: readonly string[]): DemoCard {
  const v = demoValue(value);
  return { citizen, contextId: v.contextId, value, wisdom: v.wisdom, lang, title, description, policies };
}

// ───────────────────────────── the cards ─────────────────────────────

export const DEMO_CARDS: readonly DemoCard[] = [
  // ═══ AI systems that make decisions about people ═══

  // Contestable automated decisions — held widely.
  card("dec-contestable", 14, "en", "Contestable automated decisions", "When a system decides about me, I want to be able to see why and push back.", [
    "MOMENTS when a person realizes a machine decided about them",
    "WAYS to reach a human who can change the outcome",
    "REASONS behind an automated decision, in words a person can check",
  ]),
  card(
    "dec-contestable",
    20,
    "en",
    "Automated decisions I can contest",
    "The unemployment office's system refused my benefit and no one could tell me why. I realised that what hurt most was having no way to argue back.",
    [
      "MOMENTS when someone learns a machine decided about them",
      "WAYS to reach a human who can change the decision",
      "REASONS for an automated outcome that a person can check and contest",
    ],
  ),
  card(
    "dec-contestable",
    37,
    "en",
    "Contesting decisions made by machines",
    "When the bank's scoring system turned down my loan, I wanted to see the reasons and talk to someone who could change the outcome.",
    [
      "MOMENTS when a person realizes a decision about them was automated",
      "WAYS to contest the outcome before a human who can change it",
      "DETAILS of the data a machine decided on, so a person can check them",
    ],
  ),
  card(
    "dec-contestable",
    52,
    "en",
    "Contestable decisions by automated systems",
    "I care that anyone refused by an algorithm can find out why and put their side to a person with the power to change the decision.",
    [
      "MOMENTS when a person realizes an automated system decided about them",
      "WAYS to reach a human who can reverse the outcome",
      "REASONS for the decision that a person can read and contest",
    ],
  ),
  card(
    "dec-contestable",
    5,
    "en",
    "Being able to contest an automated decision",
    "My mother's housing support was refused by a system, and I noticed how helpless she felt until a human could hear her out.",
    [
      "MOMENTS when an older person realizes a machine decided about her",
      "WAYS to reach a human who will listen and can change the outcome",
      "CHANCES to check the reasons behind an automated decision",
    ],
  ),

  // A person who sees my situation — Estonian.
  card(
    "dec-human-situation",
    19,
    "et",
    "Inimene, kes näeb minu olukorda",
    "Kui mu ema hooldustoetuse taotlus automaatselt tagasi lükati, mõistsin, et süsteem ei näe erandeid, mida ametnik oleks kohe märganud.",
    [
      "HETKED, mil inimese elu ei mahu süsteemi lahtritesse",
      "OLUKORRAD, kus ametnik märkaks erandit, mida masin ei näe",
      "VIISID, kuidas oma olukorda inimesele selgitada enne otsust",
    ],
  ),
  card(
    "dec-human-situation",
    23,
    "et",
    "Ametnik, kes näeb inimese olukorda",
    "Minu jaoks on oluline, et minu üle otsustaks keegi, kes saab aru, miks mu elu ei ole tavaline.",
    [
      "OLUKORRAD, kus inimese elu ei mahu masina lahtritesse",
      "MÄRGID, et ametnik märkaks erandit, mida süsteem ei näe",
      "VIISID, kuidas oma olukorda inimesele selgitada",
    ],
  ),
  card(
    "dec-human-situation",
    40,
    "et",
    "Inimene, kes näeb olukorda masina taga",
    "Töötasin aastaid sotsiaaltöötajana ja tean, et kõige olulisemad asjad ei mahu ühtegi vormi; hoolin sellest, et keegi neid märkaks.",
    [
      "HETKED, mil inimese olukord ei mahu süsteemi lahtritesse",
      "ERANDID, mida ametnik märkab, aga masin ei näe",
      "VIISID, kuidas inimene saab oma olukorda selgitada",
    ],
  ),

  // The same case, the same answer — Estonian.
  card(
    "dec-consistency",
    29,
    "et",
    "Sarnane juhtum, sarnane otsus",
    "Olen näinud, kuidas kaks ametnikku otsustasid sama taotluse üle täiesti erinevalt; masin, mis kohtleb sarnaseid juhtumeid ühtmoodi, tundub mulle ausam.",
    [
      "HETKED, mil kaks sarnast taotlust saavad erineva vastuse",
      "MÄRGID, et otsus sõltus ametniku tujust või tutvustest",
      "VIISID, kuidas võrrelda oma otsust teiste sarnaste juhtumitega",
    ],
  ),
  card(
    "dec-consistency",
    61,
    "et",
    "Sarnased juhtumid, sarnased otsused",
    "Väikeses kohas tean, kes kellega sõber on; tahan, et taotluse vastus ei sõltuks sellest, kes mu taotlust juhtumisi loeb.",
    [
      "HETKED, mil naabri sarnane taotlus saab teistsuguse vastuse",
      "MÄRGID, et otsus sõltus tutvustest",
      "VIISID, kuidas oma otsust sarnaste juhtumitega võrrelda",
    ],
  ),

  // An answer in time.
  card(
    "dec-timely",
    32,
    "en",
    "An answer while it still helps",
    "When I lost my job, waiting six weeks for a benefit decision hurt more than any mistake could have; a quick automated answer would have felt like respect.",
    [
      "MOMENTS when someone waits weeks for help they need today",
      "PEOPLE whose rent or food depends on when a decision arrives",
      "SIGNS that the waiting, not the answer, is what causes the harm",
    ],
  ),
  card(
    "dec-timely",
    44,
    "en",
    "An answer that arrives while it helps",
    "For people living month to month a slow decision is itself a harm, and I pay attention to how long they are left waiting for an answer.",
    [
      "MOMENTS when a person waits weeks for an answer they need today",
      "PEOPLE whose rent depends on when the decision arrives",
      "SIGNS that the waiting causes more harm than the answer",
    ],
  ),

  // Appeals in Russian — a minority value of Ida-Viru citizens.
  card(
    "dec-russian-appeals",
    15,
    "en",
    "Appeals in a language I can read",
    "In Narva many of us read Russian far more easily than Estonian; when a machine refuses a benefit, the letter and the appeal form are only in Estonian, and people simply give up.",
    [
      "MOMENTS when a person cannot read the letter telling them a machine decided",
      "WAYS to appeal in Russian without paying a translator",
      "PEOPLE in Ida-Viru who give up an appeal because of the language",
    ],
  ),
  card(
    "dec-russian-appeals",
    21,
    "en",
    "Appealing in the language I read",
    "My father got a refusal he could not read and asked me to translate it; I think of everyone in Ida-Viru who has nobody to ask.",
    [
      "MOMENTS when someone cannot read the decision letter a machine sent them",
      "WAYS to appeal in Russian or with a free interpreter",
      "PEOPLE who give up an appeal because of the language",
    ],
  ),
  card(
    "dec-russian-appeals",
    27,
    "en",
    "An appeal in a language people read",
    "I help older neighbours in Sillamäe with their papers, and I see how an automated refusal in a language they can't read ends the matter for them.",
    [
      "MOMENTS when a person cannot read why a machine refused them",
      "WAYS to appeal in Russian, in writing or by phone",
      "PEOPLE in Ida-Viru who drop an appeal because of the language",
    ],
  ),

  // Learning from every wrong decision — integrates contestability with fairness for the silent.
  card(
    "dec-learning-from-errors",
    25,
    "en",
    "Learning from every wrong decision",
    "A single appeal fixes one person's case; I care whether the people running the system notice the pattern and correct it for everyone it touched, including those who never complained.",
    [
      "PATTERNS in appeals that show the same error repeated",
      "PEOPLE wrongly refused who never found out they could appeal",
      "WAYS an error found in one case is corrected for everyone it affected",
      "MOMENTS when a human reviewer disagrees with the machine",
    ],
  ),
  card(
    "dec-learning-from-errors",
    34,
    "en",
    "Learning from wrong decisions",
    "When my appeal succeeded I wondered how many others got the same wrong refusal and never appealed; I watch whether one correction reaches them too.",
    [
      "PATTERNS of the same error repeated across many appeals",
      "PEOPLE affected by a wrong decision who never appealed",
      "WAYS an error found in one case is corrected for everyone",
    ],
  ),

  // ═══ AI-generated media in elections ═══

  // Knowing what is real before I vote — held widely.
  card(
    "el-knowing-real",
    17,
    "en",
    "Knowing what is real before I vote",
    "Before the last election a clip of a candidate went round my family chat and none of us could tell whether it was real; I want to know what I am looking at.",
    [
      "MOMENTS when a voter cannot tell whether a clip of a candidate is real",
      "SIGNS showing who made a video and whether AI generated it",
      "WAYS to check where a political video came from before sharing it",
    ],
  ),
  card(
    "el-knowing-real",
    38,
    "en",
    "Knowing whether a campaign video is real",
    "I share things with my parents, and I noticed I had no way to tell them whether a video of a candidate was real or generated.",
    [
      "MOMENTS when a voter cannot tell whether a candidate's video is real",
      "SIGNS of who made a video and whether it was generated by AI",
      "WAYS to check where a clip came from before sharing it",
    ],
  ),
  card(
    "el-knowing-real",
    47,
    "en",
    "Knowing what is real in a campaign",
    "I vote on what candidates actually said; it matters to me that I can tell a real recording from a generated one before I decide.",
    [
      "MOMENTS when voters cannot tell whether a video is real",
      "SIGNS showing whether AI generated a clip of a candidate",
      "WAYS to check where a political video came from",
    ],
  ),
  card(
    "el-knowing-real",
    58,
    "en",
    "Telling what is real before voting",
    "During the campaign I saw an audio clip of a minister that sounded wrong, and I realised I could not check it; I want voters to be able to tell.",
    [
      "MOMENTS when a voter cannot tell if a clip of a candidate is real",
      "SIGNS of whether a video was generated by AI and who made it",
      "WAYS to check where a political clip came from before sharing it",
    ],
  ),

  // Room for political satire.
  card(
    "el-satire",
    41,
    "en",
    "Room for political satire",
    "Some of the sharpest things said about our politicians came from parody; I notice when fear of deepfakes starts to silence jokes that everybody recognises as jokes.",
    [
      "MOMENTS when an obvious parody is taken down as if it were a fake",
      "WAYS satirists can mark a parody without ruining the joke",
      "SIGNS that fear of fakes is silencing political humour",
    ],
  ),
  card(
    "el-satire",
    53,
    "en",
    "Keeping room for satire and parody",
    "I grew up with satire on the radio that mocked every government; I watch whether rules about fakes leave room for a parody everyone can see is a parody.",
    [
      "MOMENTS when an obvious parody is treated as a fake",
      "WAYS a satirist can mark a parody and keep the joke",
      "SIGNS that political humour is being silenced",
    ],
  ),

  // Time to refute a fake before the vote — Estonian.
  card(
    "el-time-to-refute",
    28,
    "et",
    "Aeg võltsingu ümberlükkamiseks enne valimisi",
    "Mäletan, kuidas öö enne valimisi levis võltsitud helisalvestis ja hommikul polnud kellelgi aega seda ümber lükata.",
    [
      "HETKED, mil võltsing ilmub nii hilja, et keegi ei jõua seda ümber lükata",
      "VIISID, kuidas kandidaat jõuab valijateni enne, kui jaoskonnad avatakse",
      "MÄRGID, et võltsingu avaldamise aeg on valitud meelega",
    ],
  ),
  card(
    "el-time-to-refute",
    35,
    "et",
    "Aeg võltsingu ümberlükkamiseks enne valimispäeva",
    "Töötasin valimiskampaanias ja nägin, et viimasel päeval avaldatud võltsingule ei jõua keegi vastata; panen tähele, kui palju aega vastamiseks jääb.",
    [
      "HETKED, mil võltsing ilmub liiga hilja, et seda ümber lükata",
      "MÄRGID, et võltsingu avaldamise aeg on meelega valitud",
      "VIISID, kuidas kandidaat jõuab valijateni enne valimisi",
    ],
  ),
  card(
    "el-time-to-refute",
    64,
    "et",
    "Aeg võltsing enne valimisi ümber lükata",
    "Hoolin sellest, et valija kuuleks vastulauset enne, kui ta hääletab, mitte nädal pärast valimisi.",
    [
      "HETKED, mil võltsing ilmub nii hilja, et seda ei jõua ümber lükata",
      "MÄRGID, et avaldamise aeg on valitud meelega",
      "VIISID, kuidas valijad kuulevad vastulauset enne hääletamist",
    ],
  ),

  // Being able to believe each other — integrates detection with the cost of suspicion.
  card(
    "el-believing-each-other",
    31,
    "en",
    "Being able to believe each other",
    "I worry less about any single fake than about the day when every real recording can be waved away as generated; I watch for what keeps us able to believe one another.",
    [
      "MOMENTS when a genuine recording is dismissed as generated",
      "CONVERSATIONS where neighbours stop believing anything they see",
      "WAYS both fakes and genuine evidence can be checked by anyone",
      "SIGNS that suspicion itself is used as a campaign tactic",
    ],
  ),
  card(
    "el-believing-each-other",
    46,
    "en",
    "Still able to believe one another",
    "A politician in another country escaped a real scandal by calling the recording a deepfake; I notice when doubt becomes a shield.",
    [
      "MOMENTS when genuine recordings are dismissed as generated",
      "CONVERSATIONS where people stop believing what they see",
      "WAYS anyone can check both fakes and genuine evidence",
    ],
  ),

  // A fair chance for small parties — Estonian.
  card(
    "el-small-parties",
    36,
    "et",
    "Väikeste erakondade võimalus valijateni jõuda",
    "Aitasin väikese erakonna kampaanias ja nägin, et tehisintellekt andis meile videod, milleks meil varem raha polnud.",
    [
      "VÕIMALUSED, mis väikesel erakonnal on valijateni jõuda",
      "HETKED, mil reegel tabab väikseid kampaaniaid rängemalt kui suuri",
      "KULUD, mida väike kampaania ei suuda kanda",
    ],
  ),
  card(
    "el-small-parties",
    50,
    "et",
    "Väikeste erakondade võimalus jõuda valijateni",
    "Märkan, et suurtel erakondadel on reklaamieelarve ja väikestel mitte; tehisintellekt on vahel ainus viis, kuidas uus erakond kuuldavaks saab.",
    [
      "VÕIMALUSED, kuidas väike erakond jõuab valijateni",
      "HETKED, mil reegel tabab väikseid kampaaniaid rohkem kui suuri",
      "KULUD, mida väike erakond ei jõua kanda",
    ],
  ),

  // Corrections in Russian — the Ida-Viru value community again.
  card(
    "el-russian-corrections",
    18,
    "en",
    "Corrections that reach Russian speakers",
    "Most of my neighbours in Jõhvi get their news in Russian, and that is exactly where fake clips about candidates spread first and are corrected last.",
    [
      "MOMENTS when a fake clip spreads in Russian-language channels before any correction",
      "WAYS corrections reach people who read Russian, not only Estonian",
      "PEOPLE in Ida-Viru targeted by campaigns from across the border",
    ],
  ),
  card(
    "el-russian-corrections",
    24,
    "en",
    "Corrections in Russian too",
    "My grandmother believed a fake video for a whole week because the correction only appeared in Estonian media.",
    [
      "MOMENTS when a fake clip spreads in Russian before it is corrected",
      "WAYS a correction reaches people who read Russian",
      "PEOPLE in Ida-Viru targeted from across the border",
    ],
  ),
  card(
    "el-russian-corrections",
    6,
    "en",
    "Corrections reaching Russian speakers",
    "I read news in both languages and I notice that fake clips in Russian channels are rarely corrected in Russian.",
    [
      "MOMENTS when a fake clip in Russian channels is never corrected",
      "WAYS corrections reach readers of Russian",
      "PEOPLE in Ida-Viru targeted by fakes made across the border",
    ],
  ),

  // ═══ AI tutors for children ═══

  // Learning at the child's own pace — held widely, and a narrow value.
  card(
    "tut-own-pace",
    16,
    "en",
    "Learning at a child's own pace",
    "My son fell behind in maths and was ashamed to ask again in class; a tutor that patiently explains a fourth time was what he needed.",
    [
      "MOMENTS when a child is too embarrassed to ask again in class",
      "SIGNS that a child has fallen behind and is losing heart",
      "WAYS a tutor can explain the same thing again without impatience",
    ],
  ),
  card(
    "tut-own-pace",
    43,
    "en",
    "Learning at the child's own pace",
    "My daughter needs more time than her classmates, and I notice how much calmer she is when nobody hurries her.",
    [
      "MOMENTS when a child is embarrassed to ask again in class",
      "SIGNS that she is losing heart after falling behind",
      "WAYS to explain something a third time without impatience",
    ],
  ),
  card(
    "tut-own-pace",
    55,
    "en",
    "Each child learning at their own pace",
    "As a teacher of thirty pupils I can't wait for everyone; I care that the slow ones get patient explanations instead of falling behind.",
    [
      "MOMENTS when a pupil is too embarrassed to ask again",
      "SIGNS that a child is falling behind and losing heart",
      "WAYS a tutor explains the same thing again, patiently",
    ],
  ),
  card(
    "tut-own-pace",
    7,
    "en",
    "Learning at their own pace",
    "When my twins learned to read, one raced ahead and one needed the same page every night; I pay attention to which of them is being left behind.",
    [
      "MOMENTS when a child is embarrassed to ask the same question again",
      "SIGNS that a child has fallen behind",
      "WAYS a tutor can explain again without impatience",
    ],
  ),

  // Thinking with one's own head — Estonian.
  card(
    "tut-own-thinking",
    26,
    "et",
    "Lapse rõõm oma peaga mõelda",
    "Nägin, kuidas mu tütar küsis juhendajalt kohe vastust, selle asemel et ise mõelda; hindan hetki, mil laps jõuab lahenduseni oma peaga.",
    ["HETKED, mil laps jõuab lahenduseni oma peaga", "OLUKORRAD, kus juhendaja annab vastuse liiga vara", "MÄRGID, et laps loobub enne, kui on ise proovinud"],
  ),
  card(
    "tut-own-thinking",
    60,
    "et",
    "Lapse võimalus oma peaga mõelda",
    "Matemaatikaõpetajana tean, et ülesanne, mille laps ise lahendab, jääb talle meelde; jälgin, kas juhendaja laseb tal pingutada.",
    ["HETKED, mil laps leiab lahenduse oma peaga", "OLUKORRAD, kus juhendaja ütleb vastuse liiga vara", "MÄRGID, et laps loobub enne, kui ise proovib"],
  ),
  card(
    "tut-own-thinking",
    68,
    "et",
    "Oma peaga mõtlemise rõõm lapsel",
    "Mäletan, kui uhke ma lapsena olin, kui sain raske ülesande ise lahendatud; tahan, et mu poeg tunneks sama.",
    ["HETKED, mil laps jõuab ise lahenduseni", "OLUKORRAD, kus vastus antakse lapsele liiga vara", "MÄRGID, et laps ei proovi enam ise"],
  ),

  // The teacher who knows the child.
  card(
    "tut-teacher-bond",
    49,
    "en",
    "A teacher who knows my child",
    "My son's teacher noticed he was sad before we did, because she knows him; I want a tutor to help her, not to take her place.",
    [
      "MOMENTS when a teacher notices something a screen would miss",
      "CONVERSATIONS between a teacher and a child that a tutor cannot replace",
      "WAYS the tutor keeps the teacher informed instead of taking over",
    ],
  ),
  card(
    "tut-teacher-bond",
    56,
    "en",
    "A teacher who knows the child",
    "I remember one teacher who believed in me when nobody else did; I watch whether these tools leave teachers time to know their pupils.",
    [
      "MOMENTS when a teacher sees what a screen would miss",
      "CONVERSATIONS between teacher and pupil that no tutor replaces",
      "TIME teachers still have to know each child",
    ],
  ),
  card(
    "tut-teacher-bond",
    62,
    "en",
    "Teachers who know their pupils",
    "I teach in a primary school, and the moments that change a child are conversations, not exercises; I care that tutors support those, not replace them.",
    [
      "MOMENTS when a teacher notices something a screen misses",
      "CONVERSATIONS between a teacher and a pupil that a tutor cannot replace",
      "WAYS a tutor keeps the teacher informed instead of taking over",
    ],
  ),

  // A childhood not turned into data.
  card(
    "tut-childhood-data",
    59,
    "en",
    "A childhood not turned into data",
    "I don't want every mistake my daughter makes at nine to follow her into a profile that a school or an employer might read one day.",
    [
      "MOMENTS when a child's mistakes are stored for longer than a school year",
      "PLACES a child's learning profile could travel to without the family knowing",
      "WAYS parents can see and erase what a tutor remembers",
    ],
  ),
  card(
    "tut-childhood-data",
    65,
    "en",
    "A childhood that is not turned into data",
    "A child has a right to be clumsy and to have it forgotten; I notice how much a learning app remembers about my son and who else gets to see it.",
    [
      "MOMENTS when a child's mistakes are kept after the school year ends",
      "PLACES a learning profile travels to without the family knowing",
      "WAYS parents can read and delete what a tutor stores about their child",
    ],
  ),
  card(
    "tut-childhood-data",
    12,
    "en",
    "Childhood not turned into data",
    "When I asked a learning app what it kept about my daughter, nobody could answer; I pay attention to what is remembered about children and where it goes.",
    [
      "MOMENTS when a child's mistakes are stored beyond the school year",
      "PLACES a learning profile could travel to without the family knowing",
      "WAYS parents can see and erase what is stored",
    ],
  ),

  // Help for every family — Estonian, mostly Ida-Viru.
  card(
    "tut-every-family",
    39,
    "et",
    "Abi lapsele, kelle perel pole raha eratundideks",
    "Kasvasin Kohtla-Järvel, kus eratunde võtsid ainult jõukamad pered; tahan, et ka vaesema pere laps saaks abi, kui ta hätta jääb.",
    [
      "LAPSED, kelle vanemad ei saa eratundide eest maksta",
      "KOHAD, kus kodus pole arvutit ega vaikset nurka õppimiseks",
      "HETKED, mil vaesema pere laps jääb abita",
    ],
  ),
  card(
    "tut-every-family",
    45,
    "et",
    "Abi lastele, kelle perel pole raha eratundideks",
    "Kolme lapse üksikemana märkan, et abi saavad need lapsed, kelle vanemad saavad maksta, ja minu omad jäävad ootama.",
    ["LAPSED, kelle vanematel pole raha eratundide eest maksta", "HETKED, mil vaesema pere laps jääb abita", "KOHAD, kus lapsel pole kodus arvutit"],
  ),

  // Growing curiosity — integrates pace, own effort and the adults around the child.
  card(
    "tut-curiosity",
    67,
    "en",
    "Curiosity that outlasts the lesson",
    "Marks can rise while a child learns to dislike the subject; I watch whether my children start asking their own questions, and whether the tutor tells a person when they are upset.",
    [
      "QUESTIONS my kids start asking on their own",
      "SIGNS of being upset or withdrawn, passed on to a parent",
      "BALANCE between patient help and a pupil's own effort",
      "MOMENTS when reading or exploring goes on after the lesson ends",
    ],
  ),
  card(
    "tut-curiosity",
    70,
    "en",
    "Curiosity that lasts beyond the lesson",
    "My daughter's marks went up with an app but she stopped reading for herself; what I look for now is whether she asks her own questions.",
    [
      "QUESTIONS my kids ask on their own",
      "MOMENTS when exploring goes on after the lesson ends",
      "SIGNS of being upset, passed on to a parent",
      "BALANCE between patient help and a pupil's own effort",
    ],
  ),

  // ═══ Real-time biometric identification in public spaces ═══
  // (Citizens 1–3 hold no cards here: Mari, citizen 1, writes her own in the demo and in the e2e test.)

  // Being unobserved in ordinary life — held by several Tartu citizens.
  card("bio-unobserved", 13, "en", "Being unobserved in ordinary life", "I want to move through the city without feeling catalogued.", [
    "MOMENTS when I change how I act because I might be watched",
    "SPACES where people gather without needing a reason",
    "WAYS a person can know who is recording and why",
  ]),
  card(
    "bio-unobserved",
    22,
    "en",
    "Moving unobserved through ordinary life",
    "Walking to the market in Tartu I noticed the new cameras and caught myself avoiding eye contact; I want ordinary life to stay unrecorded.",
    [
      "MOMENTS when someone changes how they act because they might be watched",
      "SPACES where people gather without needing a reason",
      "WAYS to know who is recording and why",
    ],
  ),
  card(
    "bio-unobserved",
    28,
    "en",
    "Being unobserved in everyday life",
    "I walk my dog through Toomemägi every evening, and I notice how different it feels to be alone there and to be watched there.",
    [
      "MOMENTS when a person acts differently because they might be watched",
      "SPACES where people can gather without a reason",
      "WAYS anyone can know who is recording and why",
    ],
  ),
  card(
    "bio-unobserved",
    52,
    "en",
    "Ordinary life, unobserved",
    "As a student in Tartu I spent whole days in cafés and parks; I care that the city stays a place where nobody catalogues who I met.",
    [
      "MOMENTS when I hold back because I might be watched",
      "SPACES where people gather without needing a reason",
      "WAYS to know who is recording and for what purpose",
    ],
  ),
  card(
    "bio-unobserved",
    71,
    "en",
    "Being unobserved in the city",
    "I moved to Tallinn for the anonymity of a city, and I notice when that anonymity starts to feel like something I have to defend.",
    [
      "MOMENTS when people change how they act because they might be watched",
      "SPACES where people gather without a reason",
      "WAYS a person can know who is recording them and why",
    ],
  ),

  // Finding a missing child quickly.
  card(
    "bio-missing-child",
    38,
    "en",
    "Finding a missing child quickly",
    "When my neighbour's six-year-old vanished at the Tallinn bus station, every minute mattered; I think about the parents in those first hours.",
    [
      "MOMENTS when a parent loses sight of a child in a crowd",
      "HOURS in which a missing child is probably still nearby",
      "PLACES like stations and ports where a child could be taken away",
      "WAYS cameras could recognise one child's face among thousands",
    ],
  ),
  card(
    "bio-missing-child",
    54,
    "en",
    "Finding missing children fast",
    "I lost my son for forty minutes at a festival once; I remember thinking that somewhere a camera surely saw him.",
    [
      "MOMENTS when a parent loses a child in a crowd",
      "HOURS when a missing child is still nearby",
      "PLACES like stations and ports where a child could be taken",
    ],
  ),
  card(
    "bio-missing-child",
    62,
    "en",
    "Quickly finding a missing child",
    "As a volunteer in searches for missing people I have seen how much the first hours decide; I pay attention to what could shorten them.",
    [
      "HOURS in which a missing child is probably still close",
      "MOMENTS when a parent loses sight of a child in a crowd",
      "WAYS cameras could find one child's face in a crowd",
    ],
  ),

  // Feeling safe in a crowd — Estonian.
  card(
    "bio-crowd-safety",
    35,
    "et",
    "Turvatunne suures rahvahulgas",
    "Laulupeol seisin sadade tuhandete inimeste keskel ja mõtlesin, mis juhtub, kui keegi kavatseb halba; tahan tunda end rahvahulgas kindlalt.",
    [
      "HETKED, mil rahvahulgas tekib paanika",
      "OLUKORRAD, kus politsei jõuab ohtliku inimeseni liiga hilja",
      "KOHAD, kus tuhanded inimesed on koos ja väljapääse on vähe",
    ],
  ),
  card(
    "bio-crowd-safety",
    41,
    "et",
    "Turvatunne rahvahulgas",
    "Pärast seda, kui kontserdil puhkes kaklus ja politsei ei leidnud süüdlast, vaatan rahvahulkades alati väljapääse.",
    ["HETKED, mil rahvahulgas tekib paanika", "OLUKORRAD, kus politsei jõuab ohtliku inimeseni liiga hilja", "KOHAD, kus on palju inimesi ja vähe väljapääse"],
  ),
  card(
    "bio-crowd-safety",
    57,
    "et",
    "Turvatunne rahvahulgas ja üritustel",
    "Käin lastega linnapäevadel ja jälgin, kui kiiresti jõuaks abi, kui midagi juhtuks.",
    ["HETKED, mil rahvahulgas võib tekkida paanika", "OLUKORRAD, kus politsei jõuab ohtliku inimeseni liiga hilja", "KOHAD, kus tuhanded inimesed on koos"],
  ),

  // Protest without fear.
  card(
    "bio-protest",
    46,
    "en",
    "Protesting without fear of being listed",
    "My father remembered who was photographed at demonstrations in Soviet times; I want people to stand in a square and disagree without their face being filed.",
    [
      "MOMENTS when someone stays home from a demonstration because of the cameras",
      "SIGNS that joining a protest could be held against a person later",
      "PLACES of public assembly where faces are scanned",
    ],
  ),
  card(
    "bio-protest",
    64,
    "en",
    "Joining a protest without fear",
    "Before the teachers' strike rally a colleague asked whether the cameras would recognise us; I noticed that the question alone kept some people at home.",
    [
      "MOMENTS when someone stays away from a demonstration because of cameras",
      "SIGNS that joining a protest could be held against someone",
      "PLACES of assembly where faces are scanned",
    ],
  ),

  // Not being taken for someone else — Ida-Viru, at the border.
  card(
    "bio-false-match",
    33,
    "en",
    "Not being mistaken for someone else",
    "At the Narva border crossing I have been stopped twice because a system matched me with someone else; a false match costs an innocent person an afternoon or worse.",
    [
      "MOMENTS when an innocent person is stopped because a camera matched the wrong face",
      "PEOPLE in border towns who are scanned far more often than others",
      "WAYS a person wrongly matched can clear their name quickly",
    ],
  ),
  card(
    "bio-false-match",
    42,
    "en",
    "Not being mistaken for a suspect",
    "My brother was held at a checkpoint for hours because a camera matched his face to a wanted man; I think of how often that happens where we live.",
    [
      "MOMENTS when an innocent person is stopped because a camera matched the wrong face",
      "PEOPLE in border towns scanned more often than others",
      "WAYS someone wrongly matched can clear their name",
    ],
  ),
  card(
    "bio-false-match",
    48,
    "en",
    "Not mistaken for someone else",
    "In Narva we cross the border often, and I notice that the cameras' mistakes fall on us first.",
    [
      "MOMENTS when a camera matches an innocent person to the wrong face",
      "PEOPLE in border towns who are scanned every day",
      "WAYS a person wrongly matched gets an apology and a cleared record",
    ],
  ),

  // A search with a name and an end — integrates the safety of children with ordinary unobserved life.
  card(
    "bio-bounded-search",
    37,
    "en",
    "A search with a name and an end",
    "I can accept a camera search for one missing child if a judge approves it, it looks only for that face, and it stops when the child is found; what I watch is whether the exception stays an exception.",
    [
      "MOMENTS when a search for one person quietly becomes watching everyone",
      "WAYS a judge approves a search for a named person and a set time",
      "SIGNS that the faces of passers-by are kept after the search ends",
      "PEOPLE found quickly because a narrow search was possible",
    ],
  ),
  card(
    "bio-bounded-search",
    47,
    "en",
    "Searches with a name and an end",
    "I want the cameras to help when a child is missing, and to forget everyone else the moment the search ends.",
    [
      "MOMENTS when a search for one person turns into watching everyone",
      "WAYS a judge approves a search for one named child for a few hours",
      "SIGNS that passers-by's faces are stored once the search is over",
    ],
  ),
];

// ───────────────────────────── helpers ─────────────────────────────

/** 32-bit integer mix (Murmur3's finaliser): deterministic, well spread. */
function mix(x: number): number {
  let h = x | 0;
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

function hashString(s: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 0x01000193);
  return mix(h);
}

/** A deterministic number in [0, 1) for a citizen and a pair. */
export function demoDraw(citizen: number, pairIndex: number): number {
  return mix(mix(Math.imul(citizen, 0x9e3779b1)) ^ Math.imul(pairIndex + 1, 0x7feb352d)) / 2 ** 32;
}

/** The cards of one context, with their indexes in DEMO_CARDS. */
export function demoCardsIn(contextId: string): { index: number; card: DemoCard }[] {
  return DEMO_CARDS.flatMap((card, index) => (card.contextId === contextId ? [{ index, card }] : []));
}

/** Index in DEMO_CARDS of the first card of each value: the one its paraphrases merge into. */
export const DEMO_VALUE_FOUNDERS: ReadonlyMap<string, number> = (() => {
  const founders = new Map<string, number>();
  DEMO_CARDS.forEach((c, i) => {
    if (!founders.has(c.value)) founders.set(c.value, i);
  });
  return founders;
})();

/** Citizens 1–12 have accounts; endorsements are planned for the others only. */
const ENDORSERS = Array.from({ length: 60 }, (_, i) => i + 13);
/** At most this many endorsements per citizen in one context. */
const MAX_ENDORSEMENTS_PER_CONTEXT = 3;

/**
 * The endorsement plan: for each value, `endorsements` citizens who neither hold it nor are citizens
 * with accounts, drawn by a fixed hash (district-preferred first where the value says so), each
 * endorsing the card the value was founded by. Nobody endorses a value twice or their own value.
 */
export const DEMO_ENDORSEMENTS: readonly DemoEndorsement[] = (() => {
  const plan: DemoEndorsement[] = [];
  const perContext = new Map<string, number>();
  const countKey = (citizen: number, contextId: string) => `${contextId}#${citizen}`;
  for (const value of DEMO_VALUES as readonly DemoValue[]) {
    const founder = DEMO_VALUE_FOUNDERS.get(value.id);
    if (founder === undefined) continue;
    const holders = new Set(DEMO_CARDS.filter((c) => c.value === value.id).map((c) => c.citizen));
    const order = ENDORSERS.filter((c) => !holders.has(c)).sort((a, b) => hashString(`${value.id}:${a}`) - hashString(`${value.id}:${b}`) || a - b);
    const preferred = value.endorsedIn ? Math.round(value.endorsements * value.endorsedIn.share) : 0;
    const inDistrict = value.endorsedIn ? order.filter((c) => demoDistrict(c) === value.endorsedIn!.district) : [];
    const rest = order.filter((c) => !inDistrict.slice(0, preferred).includes(c));
    const picked: number[] = [];
    for (const citizen of [...inDistrict.slice(0, preferred), ...rest]) {
      if (picked.length >= value.endorsements) break;
      if (!value.endorsedIn || value.endorsedIn.share < 1 || demoDistrict(citizen) === value.endorsedIn.district) {
        const n = perContext.get(countKey(citizen, value.contextId)) ?? 0;
        if (n >= MAX_ENDORSEMENTS_PER_CONTEXT) continue;
        perContext.set(countKey(citizen, value.contextId), n + 1);
        picked.push(citizen);
      }
    }
    for (const citizen of picked) plan.push({ citizen, contextId: value.contextId, cardIndex: founder });
  }
  return plan;
})();

// ───────────────────────────── judgments ─────────────────────────────

export interface JudgmentOdds {
  wiser: number;
  not_wiser: number;
  unsure: number;
}

/**
 * How citizens of the demo judge "is B wiser than A?", by the difference of the values' wisdom
 * (B's minus A's, clamped to −2…2): values that integrate more concerns are mostly judged wiser, with
 * dissent; equals get mixed answers, with many "unsure", so they form no edge.
 */
export const DEMO_JUDGMENT_BIAS: Readonly<Record<-2 | -1 | 0 | 1 | 2, JudgmentOdds>> = {
  [-2]: { wiser: 0.06, not_wiser: 0.84, unsure: 0.1 },
  [-1]: { wiser: 0.14, not_wiser: 0.7, unsure: 0.16 },
  0: { wiser: 0.3, not_wiser: 0.3, unsure: 0.4 },
  1: { wiser: 0.72, not_wiser: 0.14, unsure: 0.14 },
  2: { wiser: 0.86, not_wiser: 0.06, unsure: 0.08 },
};

export function judgmentOdds(fromWisdom: number, toWisdom: number): JudgmentOdds {
  const gap = Math.max(-2, Math.min(2, Math.round(toWisdom - fromWisdom))) as -2 | -1 | 0 | 1 | 2;
  return DEMO_JUDGMENT_BIAS[gap];
}

/**
 * What demo citizen `citizen` answers to "is the value of wisdom `toWisdom` wiser than the one of
 * `fromWisdom`?" for the pair numbered `pairIndex`. Deterministic: a hash, never Math.random.
 */
export function judgmentAnswer(fromWisdom: number, toWisdom: number, citizen: number, pairIndex: number): "wiser" | "not_wiser" | "unsure" {
  const odds = judgmentOdds(fromWisdom, toWisdom);
  const u = demoDraw(citizen, pairIndex);
  if (u < odds.wiser) return "wiser";
  if (u < odds.wiser + odds.not_wiser) return "not_wiser";
  return "unsure";
}
