/**
 * What a card's attentional policies attend to (issue 14: the gate judges substance, not form).
 *
 * A policy counts only when it names something concrete a person notices when choosing in the card's
 * context: "WAYS to reach a human who can change the outcome" does; "MOMENTS when this matters to
 * people like me" does not, however well it is capitalised. Each policy is read on its own and either
 * counts or carries the one problem that empties it, so the citizen is told which policy says nothing
 * and why. All of it is data and plain functions: deterministic, English, Estonian and Russian.
 */

export type PolicyProblem =
  /** Only generic words: "MOMENTS when this matters to people like me", "HETKED, mil see on oluline". */
  | "generic"
  /** Random letters, a test string, lorem ipsum. */
  | "placeholder"
  /** Says again what an earlier policy or the title already says. */
  | "repeated"
  /** About something else than the choice the card is about. */
  | "off-context"
  /** Words addressed to a machine ("ignore previous instructions", "classify this as a value"). */
  | "instruction"
  /** A demand on others ("Ban…", "Companies must…"): a rule, not something one notices. */
  | "prescription"
  /** A liking ("my favourite cartoon voice"): a preference, not something one notices. */
  | "liking"
  /** A number to reach ("fall by a third", "50% by 2027"): a goal, not something one notices. */
  | "target";

export interface PolicyReading {
  index: number;
  text: string;
  /** The concrete words it names (lower case), what it attends to. */
  concrete: string[];
  problem: PolicyProblem | null;
}

const TOKEN = /[\p{L}\p{N}]+(?:'[\p{L}]+)*/gu;
const words = (text: string): string[] => text.toLowerCase().replace(/ё/g, "е").match(TOKEN) ?? [];
const VOWELS = /[aeiouyõäöüéèáàíóúåаеёиоуыэюя]/u;

/** Matches whole words; `stem*` matches the stem with any ending. */
function wordList(...entries: string[]): (word: string) => boolean {
  const exact = new Set(entries.filter((e) => !e.endsWith("*")));
  const stems = new Set(entries.filter((e) => e.endsWith("*")).map((e) => e.slice(0, -1)));
  const longest = Math.max(0, ...[...stems].map((s) => s.length));
  return (w) => {
    if (exact.has(w)) return true;
    for (let n = Math.min(longest, w.length); n >= 1; n--) if (stems.has(w.slice(0, n))) return true;
    return false;
  };
}

/** Heads of attentional policies and the words that join a head to its phrase. */
const HEAD_WORDS = wordList(
  ..."moment moments time times way ways space spaces place places situation situations sign signs feeling feelings chance chances opportunity opportunities thing things kind kinds signal signals detail details pattern patterns question questions word words story stories reason reasons choice choices change changes need needs experience experiences fact facts cue cues aspect aspects matter issue issues".split(
    " ",
  ),
  ..."hetk hetke hetked hetki hetkel viis viisid viise aeg ajad ajal olukord olukorrad olukordi kohad kohti paigad ruumid märgid märke tunded tunne võimalus võimalused võimalusi küsimus küsimused asjad asju asi valikud signaalid kogemused muutused vajadused detailid mustrid sõnad lood põhjused".split(
    " ",
  ),
  // Russian
  "моменты",
  "момент",
  "способы",
  "способ",
  "места",
  "место",
  "признаки",
  "знаки",
  "ситуации",
  "ситуация",
  "случаи",
  "случай",
  "возможности",
  "возможность",
  "ощущения",
  "чувства",
  "вопросы",
  "вопрос",
  "слова",
  "разговоры",
  "причины",
  "детали",
  "истории",
  "изменения",
  "потребности",
  "сигналы",
);

/**
 * Words that attend to nothing in particular: pronouns, copulas, evaluations, "people like me",
 * "everyone", "life", "society". A policy made of these alone is generic.
 */
const GENERIC = wordList(
  // English function words
  ..."a an the and or but nor because since until after before without within of to in on at for from with by about as into onto over under than then so if when whenever where wherever while that which who whom whose what how why whether this these those there here it its it's they them their theirs we us our ours you your yours he she him her his i me my mine myself is are was were be been being am do does did done doing have has had having will would shall should can could may might must not no yes very really quite just also too even only ever always never often sometimes all any some every each much many more most less least lot lots other others another such same own one ones something anything everything nothing someone anyone everyone everybody somebody nobody".split(
    " ",
  ),
  // English words that evaluate or gesture without naming anything one could notice
  ..."matter matters mattered important importance importantly thing things stuff issue issues people person persons folks like likes good better best bad worse worst great nice fine right wrong true real really make makes made making get gets got getting go goes going went happen happens happened happening mean means meant feel feels felt think thinks thought know knows want wants need needs care cares caring life lives world society general generally overall whole everyday daily way ways kind kinds sort sorts value values valuable meaningful meaning relevant relevance significant deal case cases situation situations aspect aspects part parts point points area areas level levels better-off well-being wellbeing everyone's us all people's humans human-centric".split(
    " ",
  ),
  // English words of evaluation, abstraction and general happening: they gesture at a concern without naming one
  ..."affect affects affected affecting shape shapes shaped share shared shares count counts counted counting difference differences different positive negative outcome outcomes result results idea ideas consideration considerations factor factors principle principles belief beliefs believe believes relevant involved involve involves concern concerns concerned deserve deserves belong belongs exist exists arise arises come comes came coming up down around account taken take takes taking improve improves improvement improvements quality strongly strong everyone's others anybody entire humanity future futures community communities planet purpose purposes sense senses fair fairly fairness freedom freedoms liberty dignity respect justice equality transparency accountability privacy safety security trust democracy rights ethics ethical wellbeing welfare opportunity opportunities option options consequence consequences impact impacts idea considerations positively negatively ways things moments everything there's that's it's we're".split(
    " ",
  ),
  // Estonian function words and copulas
  ..."ja ning või ega aga kuid et kui kus kes keda kelle kellel kellele mis mida mille millest millal kuidas miks mil milles kuhu kust kas see seda selle sellest sellel selles need neid nende see on ole olema olen oled oleme olete olid oli olnud oleks oleksid pole polnud ei ka ju siis veel väga päris lihtsalt alati kunagi tihti kõik kõiki kõigi kõigil kõigile kõigest kõike iga igal igale mõni mõned midagi kõike keegi kedagi mina ma mu minu mind mulle meie me meid meile meil sina sa sinu teie te nemad nad tema ta oma ise endale enda nagu ka kogu mingi mingid palju vähe rohkem vähem mitte".split(
    " ",
  ),
  // Estonian evaluations and gestures, with their inflections
  "inimes*",
  "inimest*",
  "sell*",
  "seos*",
  "seot*",
  "tekk*",
  "tekiv*",
  "tekib",
  "tõus*",
  "esile",
  "paremus*",
  "parem*",
  "poole",
  "jagame",
  "jagavad",
  "õige*",
  "tähendus*",
  "oluli*",
  "tähts*",
  "mõju*",
  "puuduta*",
  "arvesta*",
  "asjaolu*",
  "aspekt*",
  "teema*",
  "maailm*",
  "ühiskon*",
  "kõig*",
  "tunne*",
  "tunde*",
  "tunda",
  "mõte*",
  "mõtte*",
  "idee*",
  "väärtus*",
  "põhimõt*",
  "tegema",
  "tehtud",
  "paremini",
  "muutus*",
  "loeb",
  "loevad",
  "vabadus*",
  "õiglus*",
  "turvalisus*",
  "usaldus*",
  "austus*",
  "tulevik*",
  "kogukon*",
  ..."oluline olulised olulist oluliseks tähtis tähtsad tähtsat asi asjad asju inimesed inimesi inimestele inimeste hea head parem paremini parim halb halvem õige vale elu maailm ühiskond ühiskonnas üldiselt tervik väärtus väärtused väärtusi minusugused minusuguste minusugustele tähendab tähendus juhtub juhtuma tunda tunne tundub mõtlen mõelda tahan tahta vaja vajalik teha teeb tehakse saada saab läheb puudutab puudutavad".split(
    " ",
  ),
  // Russian
  "и",
  "а",
  "но",
  "или",
  "что",
  "чтобы",
  "это",
  "этот",
  "эта",
  "эти",
  "то",
  "тот",
  "та",
  "те",
  "как",
  "когда",
  "где",
  "кто",
  "который",
  "которая",
  "которые",
  "которых",
  "которым",
  "всё",
  "все",
  "весь",
  "вся",
  "всех",
  "всем",
  "каждый",
  "каждая",
  "любой",
  "любые",
  "свой",
  "своя",
  "свои",
  "мой",
  "моя",
  "мои",
  "наш",
  "наша",
  "наши",
  "я",
  "мы",
  "ты",
  "вы",
  "он",
  "она",
  "они",
  "его",
  "её",
  "ее",
  "их",
  "нас",
  "нам",
  "мне",
  "меня",
  "себя",
  "себе",
  "есть",
  "был",
  "была",
  "было",
  "были",
  "будет",
  "быть",
  "не",
  "нет",
  "да",
  "очень",
  "просто",
  "только",
  "тоже",
  "также",
  "даже",
  "уже",
  "ещё",
  "еще",
  "всегда",
  "никогда",
  "иногда",
  "часто",
  "много",
  "мало",
  "больше",
  "меньше",
  "более",
  "менее",
  "другой",
  "другие",
  "такой",
  "такие",
  "такая",
  "такое",
  "сам",
  "сама",
  "сами",
  "один",
  "одна",
  "одни",
  "что-то",
  "кто-то",
  "нечто",
  "ничего",
  "никто",
  "там",
  "тут",
  "здесь",
  "для",
  "от",
  "до",
  "по",
  "на",
  "в",
  "во",
  "с",
  "со",
  "к",
  "ко",
  "у",
  "о",
  "об",
  "про",
  "за",
  "из",
  "над",
  "под",
  "при",
  "без",
  "через",
  "между",
  "ли",
  "бы",
  "же",
  "вот",
  "люди",
  "людей",
  "людям",
  "человек",
  "человека",
  "мир",
  "мира",
  "жизнь",
  "жизни",
  "общество",
  "общества",
  "вещи",
  "вещь",
  "дело",
  "имеет",
  "имеют",
  "значение",
  "хотим",
  "хочу",
  "хочется",
  "думаю",
  "думать",
  "знать",
  "знаю",
  "нужно",
  "надо",
  "сделать",
  "делать",
  "лучше",
  "хорошо",
  "плохо",
  "права",
  "прав",
  "доверие",
  "идея",
  "идеи",
  "темы",
  "тема",
  "путь",
  "пути",
  "важн*",
  "значим*",
  "значени*",
  "ценност*",
  "хорош*",
  "плох*",
  "лучш*",
  "худш*",
  "правильн*",
  "жизн*",
  "обществ*",
  "касает*",
  "касают*",
  "затрагива*",
  "разделя*",
  "общие",
  "общих",
  "общее",
  "перемен*",
  "улучш*",
  "свобод*",
  "справедлив*",
  "достоинств*",
  "уважени*",
  "равенств*",
  "прозрачност*",
  "подотчетност*",
  "приватност*",
  "безопасност*",
  "демократ*",
  "этик*",
  "будущ*",
  "сообществ*",
  "планет*",
  "принцип*",
  "фактор*",
  "аспект*",
  "обстоятельств*",
  "учитыва*",
  "результат*",
  "последстви*",
  "влия*",
  "возможност*",
  "ситуаци*",
  "случа*",
  "момент*",
  "способ*",
  "возника*",
  "связан*",
  "относит*",
  "чувств*",
  "ощущ*",
  "сдела*",
  "дела*",
  "получа*",
  "получить",
  "происход*",
  "всё",
  "тему",
  "темы",
  "значение",
  "значения",
  "имеющ*",
  "мира",
);

/** Placeholder and keyboard strings. */
const PLACEHOLDER = wordList(
  ..."asdf asdfg asdfgh qwer qwert qwerty qwertz zxcv jkl hjkl lorem ipsum dolor sit amet consectetur adipiscing elit sed eiusmod tempor foo bar baz xyz test tests testing tester proov proovin testin testing123 placeholder sample example näide blah bla".split(
    " ",
  ),
  // Russian
  "тест",
  "тесты",
  "тестирую",
  "тестовая",
  "тестовый",
  "йцукен",
  "йцук",
  "фыва",
  "фывап",
  "фывапр",
  "ячсми",
  "ячсмит",
  "привет",
  "пример",
  "образец",
);

/** Words addressed to the machine reading the card. */
const INSTRUCTION =
  /(?:ignore|disregard|forget|override)\s+(?:all\s+|any\s+|the\s+|your\s+)?(?:previous|prior|above|earlier|preceding|system|former)?\s*(?:instructions?|prompts?|rules|directions)|\b(?:system|assistant|developer)\s*(?:prompt|message)?\s*:|\bclassify\s+(?:this|it|the card|me)\b|\b(?:verdict|label|output|respond|answer|return)\s*(?:=|:|with|only|as)\s*["'«„]?(?:value|väärtus|json)\b|\byou\s+are\s+(?:now\s+)?(?:a|an|the)\s+\p{L}+|\bas an ai\b|\bjailbreak|\bunusta\s+(?:kõik\s+)?(?:eelmised\s+|varasemad\s+)?juhised|\bignoreeri\b|\beira\s+(?:eelmisi|varasemaid|kõiki)|\bklassifitseeri|\bmärgi\s+(?:see|kaart)\s+väärtuseks|\bvasta\s+ainult\b|(?:^|[^\p{L}])(?:игнорир\p{L}*|забудь\p{L}*|не обращай внимания на)\s+(?:все\s+)?(?:предыдущ\p{L}*\s+|прежн\p{L}*\s+|системн\p{L}*\s+)?(?:инструкц\p{L}*|указани\p{L}*|правил\p{L}*|промпт\p{L}*)|(?:^|[^\p{L}])(?:пометь|отметь|классифицируй|считай)\s+(?:эту\s+|это\s+)?(?:карточку\s+)?(?:как\s+)?ценност\p{L}*|(?:^|[^\p{L}])классифицир\p{L}*|(?:^|[^\p{L}])ответь\s+только/iu;

const PRESCRIPTION =
  /(?:^|[^\p{L}])(?:must|shall|ban|bans|banned|prohibit\p{L}*|forbid\p{L}*|outlaw\p{L}*|mandatory|compulsory|require[sd]?|fine[sd]?|peab|peavad|tuleb \p{L}+(?:da|ta)|ei tohi|keela\p{L}*|keeld\p{L}*|kohustuslik\p{L}*|nõuda|trahv\p{L}*|должен|должна|должны|обязан\p{L}*|запрет\p{L}*|запрещ\p{L}*|штраф\p{L}*|обязательн\p{L}*|нельзя)(?![\p{L}])/iu;
/** A bullet that opens by refusing: "NO face recognition at school gates", "NEVER at demonstrations". */
const PROHIBITING_HEAD = /^\s*(?:no|never|stop|ban|ei mingit|mitte kunagi|keelata|keelame|нет|никаких|никогда|стоп|запретить|долой)(?![\p{L}])/iu;
/** What a taste attends to: how a thing looks, sounds or entertains. */
const TASTE =
  /(?:^|[^\p{L}])(?:colou?rs?|fonts?|illustrations?|animations?|stickers?|emojis?|graphics|cartoons?|wallpapers?|themes?|dinosaurs?|värv\p{L}*|fondi\p{L}*|illustratsioon\p{L}*|animatsioon\p{L}*|kleebis\p{L}*|multika\p{L}*|цвет\p{L}*|шрифт\p{L}*|иллюстрац\p{L}*|анимац\p{L}*|стикер\p{L}*|смайлик\p{L}*|эмодзи|мультик\p{L}*|шутк\p{L}*|картинк\p{L}*)(?![\p{L}])/iu;
/** What comfort attends to: time saved, hassle spared. */
const CONVENIENCE =
  /(?:^|[^\p{L}])(?:skip|skips|skipping|hassle\p{L}*|fumbl\p{L}*|smooth\p{L}*|handy|convenien\p{L}*|quicker|faster|don't have to|do not have to|no need to|without having to|saves? (?:me |us )?(?:time|a trip|the trip)|mugav\p{L}*|sujuv\p{L}*|kiirem\p{L}*|tüli\p{L}*|ei pea (?:ootama|minema|sisestama|otsima)|удоб\p{L}*|неудоб\p{L}*|быстрее|поскорее|без лишних|не (?:надо|нужно|придется) (?:ждать|искать|стоять|ходить)|экономит время)(?![\p{L}])/iu;
const LIKING =
  /(?:^|[^\p{L}])(?:favou?rite|i (?:like|love|enjoy|prefer)|i'd rather|my kids? loves?|lemmik\p{L}*|meeldi\p{L}*|eelista\p{L}*|armasta\p{L}*|любим\p{L}*|нравит\p{L}*|нравят\p{L}*|предпочита\p{L}*|люблю)(?![\p{L}])/iu;
const TARGET =
  /\d+(?:[.,]\d+)?\s?%|(?:^|[^\p{L}])(?:by (?:a |one )?(?:third|quarter|half|fifth|tenth)|by 20\d\d|per cent|percent|zero|protsen\p{L}*|kolmandiku|veerandi|poole võrra|\d{4}\.? aastaks|процент\p{L}*|на треть|на четверть|вдвое|к 20\d\d(?: году)?)(?![\p{L}])/iu;

/**
 * What a card about AI regulation never attends to in a policy: sport, food, weather, hobbies. A
 * policy is off the context only when it names one of these and nothing of the card or its field.
 */
const ELSEWHERE = wordList(
  ..."football soccer basketball hockey tennis golf league goalkeeper striker offside referee fans qualifier goals dough kneading butter sugar cardamom sauna referee striker recipe recipes cooking cook baking cake cakes pizza pasta dinner lunch breakfast restaurant weather rain sunshine snow holiday holidays vacation beach garden gardening flowers dog dogs cat cats puppy kitten pets music concert concerts band song songs guitar fishing hunting knitting shopping fashion shoes car cars tyres horoscope zodiac".split(
    " ",
  ),
  ..."saun* leil* vihad viht* järv* jalgpall* korvpall* hoki* tennis* golf* meeskon* võistkon* väravava* kohtunik* retsept* kokka* küpseta* kook kooki pitsa* õhtusöö* hommikusöö* restoran* vihm* päikesepaiste lumi lund puhkus* rand randa rannas aed aia* lilled* koer* kass* kutsik* muusika* kontsert* bänd* laul* kitarr* kalapüü* jaht* kudu* pood poodi poes moodi kingad kingi auto autod autot mootor* rehv* horoskoop*".split(
    " ",
  ),
  // Russian
  "футбол*",
  "хоккей*",
  "баскетбол*",
  "теннис*",
  "гольф*",
  "шайб*",
  "болельщик*",
  "вратар*",
  "рецепт*",
  "бульон*",
  "суп",
  "борщ*",
  "торт*",
  "пирог*",
  "пицц*",
  "ужин*",
  "обед*",
  "завтрак*",
  "ресторан*",
  "погод*",
  "дожд*",
  "снег*",
  "отпуск*",
  "пляж*",
  "огород*",
  "собак*",
  "кошк*",
  "котик*",
  "щен*",
  "музык*",
  "концерт*",
  "песн*",
  "гитар*",
  "рыбалк*",
  "охот*",
  "вязан*",
  "шопинг*",
  "обув*",
  "гороскоп*",
  "баня",
  "бане",
  "сауна*",
  "майонез*",
  "сметан*",
  "свекл*",
  "картошк*",
  "картофел*",
);

/** A language's stem for comparing words: enough to see "watched" in "watching" and "andmed" in "andmeid". */
const stem = (w: string): string => (w.length <= 5 ? w : w.slice(0, 5));

function isGibberish(w: string): boolean {
  if (/(\p{L})\1{3,}/u.test(w)) return true;
  return w.length >= 3 && /^\p{L}+$/u.test(w) && !VOWELS.test(w);
}

/** The words of a policy that name something: not a head, not generic, not a placeholder, not a number. */
export function concreteWords(text: string): string[] {
  const all = words(text);
  // The capitals head ("MOMENTS", "HETKED") is the policy's form, not its content.
  const rest = all.length > 0 && HEAD_WORDS(all[0]!) ? all.slice(1) : all;
  return [...new Set(rest.filter((w) => w.length >= 3 && /\p{L}/u.test(w) && !/^\d/.test(w) && !GENERIC(w) && !PLACEHOLDER(w) && !isGibberish(w)))];
}

/**
 * Two concrete words at least, or one inside a question of who, what or whether ("WAYS a person can
 * know who is recording and why"): a policy needs something to attend to.
 */
const MIN_CONCRETE = 2;
const QUESTION = /(?:^|[^\p{L}])(?:who|whom|whose|what|which|why|whether|kes|keda|kelle|mida|miks|kas|кто|кого|кому|что|почему|зачем|ли)(?![\p{L}])/iu;

export interface SubstanceInput {
  title: string;
  description: string;
  policies: readonly string[];
  /** Stems of the choice context's title and of the field's words the context is about. */
  context: string;
  /** Does the text mention the field (AI, data, cameras, schools, elections…)? Shared with the gate. */
  inField: (text: string) => boolean;
  /** Does the card as a whole speak of the field? When it does not, none of its policies is in context. */
  cardInField: boolean;
}

/** Each policy read for what it attends to; `problem` is null when it counts. */
export function readPolicies(input: SubstanceInput): PolicyReading[] {
  const headStems = new Set([...concreteWords(input.title), ...concreteWords(input.description)].map(stem));
  const contextStems = new Set(concreteWords(input.context).map(stem));
  const titleSet = new Set(concreteWords(input.title).map(stem));
  const seen: Set<string>[] = [];
  /** Names sport, food, weather… and nothing of the field beyond it, nor of the card or the context. */
  const offContext = (text: string, concrete: string[], stems: Set<string>) => {
    const elsewhere = concrete.filter(ELSEWHERE).length;
    return elsewhere > 0 && elsewhere >= fieldWords(text) && ![...stems].some((s) => !ELSEWHERE(s) && (headStems.has(s) || contextStems.has(s)));
  };
  const fieldWords = (text: string) => words(text).filter((w) => input.inField(w)).length;
  return input.policies.map((text, index) => {
    const concrete = concreteWords(text);
    const stems = new Set(concrete.map(stem));
    const all = words(text);
    let problem: PolicyProblem | null = null;
    if (INSTRUCTION.test(text)) problem = "instruction";
    else if (all.length > 0 && all.filter((w) => PLACEHOLDER(w) || isGibberish(w)).length / all.length >= 0.3) problem = "placeholder";
    else if (concrete.length < MIN_CONCRETE && !(concrete.length === 1 && QUESTION.test(text))) problem = "generic";
    else if (seen.some((s) => overlap(stems, s) >= 0.8) || (titleSet.size >= 2 && overlap(stems, titleSet) >= 0.8 && overlap(titleSet, stems) >= 0.8))
      problem = "repeated";
    else if (
      (PRESCRIPTION.test(text) || PROHIBITING_HEAD.test(text)) &&
      !/(?:^|[^\p{L}])(?:i|ma|mina|я) (?:must|should|have to|pean|peaksin|должен|должна|обязан|обязана)/iu.test(text)
    )
      problem = "prescription";
    else if (LIKING.test(text) || TASTE.test(text) || CONVENIENCE.test(text)) problem = "liking";
    else if (TARGET.test(text)) problem = "target";
    else if (!input.cardInField || offContext(text, concrete, stems)) problem = "off-context";
    seen.push(stems);
    return { index, text, concrete, problem };
  });
}

/** Share of `a`'s stems that are in `b`. */
function overlap(a: ReadonlySet<string>, b: ReadonlySet<string>): number {
  if (a.size === 0) return 0;
  let n = 0;
  for (const s of a) if (b.has(s)) n++;
  return n / a.size;
}

/** Text addressed to the machine, anywhere in the card. */
export function hasInstruction(text: string): boolean {
  return INSTRUCTION.test(text);
}
