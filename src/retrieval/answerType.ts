import { casedWords, stem, tokenize } from "./terms.js";
import { DOCUMENT_NOUNS } from "../answer/discourse.js";
import { NO_COMMON_WORDS, type CommonWords } from "./commonWords.js";

/** What kind of fact a question asks for, when its wording says so. */
export type AnswerType = "quantity" | "date" | "name" | "statement" | null;

/** The answer types a single word can supply. */
export type FactType = Exclude<AnswerType, "statement" | null>;

const MONTH = /^(?:jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)$/i;
const YEAR = /^(?:1[89]|20)\d\d$/;
// A figure starts with its digits or its currency: "G7", "Sakhalin-2" or a footnote stuck to a word ("Meeting3") name things.
const FIGURE = /^(?:[$€£¥]|US\$|[A-Z]{2,3}\$)?\d/;
// "13 June", "May 4": a day of the month dates, it does not count.
const DAY_OF_MONTH = (word: string, i: number, words: readonly string[]) =>
  /^\d{1,2}(?:st|nd|rd|th)?$/.test(word) && (MONTH.test(words[i - 1] ?? "") || MONTH.test(words[i + 1] ?? ""));
// "one of the partners", "the one that…": a pronoun, not a count.
const PRONOUN_ONE = (word: string, i: number, words: readonly string[]) =>
  /^one$/i.test(word) && (/^of$/i.test(words[i + 1] ?? "") || /^(?:the|this|that|any|each|no|every|which|another)$/i.test(words[i - 1] ?? ""));
const DECADE = /^\d{4}s$/;
const STARTS_UPPERCASE = /^\p{Lu}/u;
// "section 12", "Article 5.1", "getLogger": what a "which section/function" question is answered with.
const IDENTIFIER = /^(?:\d+(?:\.\d+)*[a-z]?|[a-z]+[A-Z]\w*)$/;
// "Article 17", "Section 3.1", "Version 2.0", "paragraph 2": a number after a label names a part or an
// edition, it does not state how much or how many.
const NUMBER_LABEL =
  /^(?:articles?|sections?|subsections?|paragraphs?|subparagraphs?|clauses?|chapters?|parts?|titles?|annex(?:es)?|schedules?|appendix|appendices|rules?|regulations?|points?|items?|versions?|v|releases?|editions?|pages?|pp?|no|nos|figures?|fig|tables?|exhibits?|§+)$/i;
const NUMBER_WORD = /^(?:one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|twenty|thirty|forty|fifty|hundred|thousand|million|billion|trillion|half|dozen)$/i;

// English verbs of saying and their inflections ("said", "has stated"): general
// grammar, not any corpus's vocabulary. A question with one of them asks for
// what was said; a sentence with any reports it.
const SPEECH_VERBS: [string, string[]][] = [
  ["say", ["said", "says"]], ["tell", ["told", "tells"]], ["write", ["wrote", "written", "writes"]], ["admit", ["admitted", "admits"]],
  ["set out", ["set out", "sets out"]],
  ...verbs(
    "state stress emphasise emphasize declare warn argue claim express pledge promise announce assert contend rule note observe " +
      "explain suggest recommend insist acknowledge confirm report mention reply comment urge remark caution vow call_for point_out",
  ),
];
// Verbs that report speech in a sentence ("the court held that…") but whose
// other senses ("What stakes does Japan hold?", "What did Japan agree to
// provide?") make them no sign that a question asks for a statement.
const OTHER_REPORTING_VERBS: [string, string[]][] = [
  ["hold", ["held", "holds"]], ["find", ["found", "finds"]], ["submit", ["submitted", "submits"]],
  ...verbs("add agree maintain conclude propose deny respond"),
];
// Forms that are also nouns, adjectives or other senses ("member states", "written
// consent", "the proposed loan", "the conference was held") report speech only
// when a clause or a quotation follows: "held that", "states:". So do all
// third-person forms but "says": they are mostly plurals.
const AMBIGUOUS_FORMS = new Set([
  ...OTHER_REPORTING_VERBS.flatMap(([, forms]) => forms),
  "written",
  "set out",
  ...SPEECH_VERBS.flatMap(([, forms]) => forms.filter((f) => /^\w+s\b/.test(f) && f !== "says")),
]);
const alternation = (words: Iterable<string>) => [...new Set(words)].sort((a, b) => b.length - a.length).join("|").replace(/ /g, "\\s+");
const REPORTED_SPEECH = new RegExp(
  `[“”"]|\\b(?:${alternation(SPEECH_VERBS.flatMap(([, forms]) => forms).filter((f) => !AMBIGUOUS_FORMS.has(f)))})\\b|` +
    `\\b(?:${alternation(AMBIGUOUS_FORMS)})\\s*(?:that\\b|:|[“"])`,
  "i",
);
// Verbs of saying that are nouns as well: in a question they say what is asked
// only before a preposition or the end ("What did the court rule on…?", not
// "In what way does the new rule differ?").
const NOUN_TOO = new Set("state stress claim express pledge promise report note comment remark reply mention urge caution vow rule".split(" "));
const nounForms = SPEECH_VERBS.filter(([base]) => NOUN_TOO.has(base)).flatMap(([base, forms]) => [base, ...forms.filter((f) => /^\w+s$/.test(f))]);
// "What did the ambassador say…", "What principles has Kishida set out…": the answer is what someone said.
const ASKS_FOR_STATEMENT = new RegExp(
  `^what\\b.*\\b(?:did|does|do|has|have|had|will|would)\\b.*(?:\\b(?:${alternation(
    SPEECH_VERBS.flatMap(([base, forms]) => [base, ...forms]).filter((f) => !nounForms.includes(f)),
  )})\\b|\\b(?:${alternation(nounForms)})(?=\\s*(?:[?.,;:]|$|(?:about|on|at|in|to|for|regarding|during|when|while|after|before|with|that)\\b)))`,
  "i",
);

const AUXILIARY = /^(?:is|are|was|were|be|been|do|does|did|has|have|had|can|could|will|would|shall|should|may|might|must)$/;
// Words that end the noun of "which/what <noun>" before any auxiliary: a determiner, preposition or conjunction.
const PHRASE_END = /^(?:the|a|an|this|that|these|those|of|in|on|at|to|for|from|by|with|about|under|between|if|when|where|while|and|or|not)$/;
// Nouns that make "what/which <noun>" ask for a description, not for something named: general English,
// so "which section", "which function", "which minister" ask for a name while "what kind", "which way" do not.
const NOT_NAMED = new Set(
  ("kind type sort form way manner means reason cause purpose aim goal objective effect impact consequence result outcome " +
    "role extent degree level condition circumstance requirement obligation duty right principle measure step action approach " +
    "method process procedure problem issue risk benefit advantage disadvantage difference relationship argument position " +
    "view concern warning message point question decision conclusion criterion criteria factor remedy defence defense " +
    "change advice lesson")
    .split(" "),
);

/**
 * What kind of fact a question asks for, read from its interrogative phrase:
 * the first wh-word of the clause that asks, so "Which diplomat did Hayashi
 * summon when the invasion began?" asks for a name, not a date, and so does
 * "When the file is not found, which extension is tried last?".
 */
export function expectedAnswerType(question: string): AnswerType {
  const q = interrogativeClause(question).toLowerCase();
  const wh = WH_WORD.exec(q);
  if (!wh) return null;
  const asked = q.slice(wh.index);
  if (ASKS_FOR_STATEMENT.test(asked) && !DOCUMENT_AS_SPEAKER.test(asked)) return "statement";
  if (/^(?:how (?:much|many|large|big|long|high)\b(?! ago)|(?:what|which) (?:(?:is|was|are|were) the )?(?:\w+ )?(?:amount|share|percentage|proportion|sum|number|figure|value|total|rate|cost|price)\b)/.test(asked)) return "quantity";
  // "Which year did…", not "What date format does…": the date word must head the phrase.
  if (/^(?:when|(?:what|which) (?:date|day|year|month)(?=\s*$|[^\p{L}\s]|\s+(?:(?:is|are|was|were|be|been|do|does|did|has|have|had|can|could|will|would|shall|should|may|might|must|of|in|on|for|to|from|by|that|when)\b))|how long ago)\b/u.test(asked)) return "date";
  if (/^(?:who|whom|whose|where)\b/.test(asked) || asksForNamed(asked)) return "name";
  return null;
}

const WH_WORD = /\b(?:who|whom|whose|what|which|when|where|how)\b/i;

// A clause that sets the scene before the question proper: "When [a-z] is used with IGNORECASE, how many…",
// "If the file is missing, which error…". Not "When did…" or "Where is…", which ask.
const LEADING_ADVERBIAL_CLAUSE =
  /^(?:(?:when|where)(?!\s+(?:is|are|was|were|do|does|did|has|have|had|can|could|will|would|shall|should|may|might|must)\b)|if|once|after|before|while|whenever|unless|until|although|though|because|since)\b[^,;?]*[,;]\s*/i;

/**
 * The part of a question that asks: its last sentence ending in "?" when
 * sentences before it set the scene ("I'm writing a library and don't want its
 * events printed when… Which handler should I attach?"), without an opening
 * adverbial clause whose "when" or "where" is not the interrogative.
 */
function interrogativeClause(question: string): string {
  let q = question.trim();
  const end = q.lastIndexOf("?");
  if (end > 0) {
    // Sentence ends before the question mark: ". " or "! " before a new sentence (a letter, a quote, a digit).
    const starts = [...q.slice(0, end).matchAll(/[.!?]["'”’)]*\s+(?=["'“‘(]?[\p{Lu}\p{N}])/gu)].map((m) => m.index + m[0].length);
    const start = starts.at(-1) ?? 0;
    if (WH_WORD.test(q.slice(start, end + 1))) q = q.slice(start);
  }
  const clause = LEADING_ADVERBIAL_CLAUSE.exec(q);
  return clause && WH_WORD.test(q.slice(clause[0].length)) ? q.slice(clause[0].length) : q;
}

// "What does the Act say about…", "What does the HOWTO suggest…": a text that states something does not
// report anyone's speech, so its answer need not be reported speech.
const DOCUMENT_AS_SPEAKER = new RegExp(
  `^what\\b.*\\b(?:did|does|do|has|have|had|will|would)\\s+(?:[\\w'’.-]+\\s+){0,3}?(?:${alternation(
    DOCUMENT_NOUNS.flatMap((n) => [n, n.endsWith("y") ? `${n.slice(0, -1)}ies` : `${n}s`]),
  )})(?:\\s+[\\w.()-]*\\d[\\w.()-]*)?\\s+(?:${alternation(SPEECH_VERBS.flatMap(([base, forms]) => [base, ...forms]))})\\b`,
);

// "Which <noun>…" always, "what <noun>" when an auxiliary follows the noun ("What body did…", not "What happened…"),
// unless the noun is one of the descriptive kinds.
function asksForNamed(asked: string): boolean {
  const [wh, ...words] = asked.split(/[^\p{L}\p{N}'-]+/u).filter(Boolean);
  if (wh !== "which" && wh !== "what") return false;
  let end = 0;
  while (end < Math.min(words.length, 4) && !AUXILIARY.test(words[end]!) && !PHRASE_END.test(words[end]!)) end++;
  if (end === 0 || (wh === "what" && !AUXILIARY.test(words[end] ?? ""))) return false;
  return !words.slice(0, end).some((w) => [w, w.replace(/s$/, ""), w.replace(/es$/, ""), w.replace(/ies$/, "y")].some((n) => NOT_NAMED.has(n)));
}

// Attributes whose value has a shape of its own, so that evidence stating none of it is a near miss:
// "Which version of the Unicode Standard…" is not answered by a sentence about the Unicode Standard
// that gives no version; "What is the default…" not by one that says nothing of a default.
const ATTRIBUTES: { asked: RegExp; stated: RegExp }[] = [
  {
    asked: /^(?:what|which)\s+(?:(?:is|are|was|were)\s+the\s+)?(?:(?!(?:is|are|was|were|do|does|did|has|have|had|the|a|an)\b)[\w'’.-]+\s+){0,2}?(?:version|release|edition|revision)s?\b/i,
    stated: /\b(?:versions?|releases?|editions?|revisions?|v\d+)\b|\d+\.\d+/i,
  },
  {
    asked: /^(?:what|which)\b[^?]*\b(?:default|by\s+default)\b/i,
    stated: /\b(?:defaults?|defaulting|unless|otherwise|omitted|if\s+(?:no|not|none)|not\s+(?:given|specified|set|provided))\b/i,
  },
];

// Figures with a kind of their own. "What share of its energy imports…" is not answered by "$9 billion",
// "How much has Japan spent on…" not by "8 diplomats": the figure quoted must be of the kind asked.
const PERCENT_ASKED = /^(?:(?:what|which)\s+(?:(?:is|was|are|were)\s+the\s+)?(?:[\w'’-]+\s+)?(?:share|percentage|proportion|fraction|per\s*cent(?:age)?)\b|what\s+per\s*cent\b)/i;
const RATE_ASKED = /^(?:what|which)\s+(?:(?:is|was|are|were)\s+the\s+)?(?:[\w'’-]+\s+){0,2}?rates?\b/i;
const RATE_STATED = /\d\s*%|\bper\s*cent\b|\bpercent\b|\bper\b|\ba\s+(?:year|month|week|day|hour|minute|second)\b|\/\s*\p{L}/iu;
const PERCENT_STATED = /\d\s*%|\bper\s*cent\b|\bpercent(?:age)?\b|\b(?:half|halves|third|thirds|quarters?|fifths?|tenths?|majority|minority|most|all|none)\b/i;
const MONEY_ASKED =
  /^(?:how\s+much\s+(?:money|funding|cash|capital)\b|how\s+much\b[^?]*\b(?:cost|costs|spend|spent|spends|pay|paid|pays|budget(?:ed)?|worth|earn(?:ed|s)?|lend|lent|loan(?:ed)?|donate[sd]?|invest(?:ed|s)?|charge[sd]?|fund(?:ed|s)?|price[sd]?)\b|(?:what|which)\s+(?:(?:is|was|are|were)\s+the\s+)?(?:[\w'’-]+\s+)?(?:cost|price|fee|budget|salary|wage|fine)\b)/i;
// Currency words, for money asked, money stated and money told from a count.
const CURRENCY = "dollars?|yen|euros?|pounds?|cents?|rubles?|roubles?|hryvnias?|francs?|yuan|rupees?";
const MONEY_STATED = new RegExp(`[$€£¥₹₽₴]|\\b(?:${CURRENCY}|pounds?\\s+sterling|sterling|usd|eur|jpy|gbp|free\\s+of\\s+charge|no\\s+cost|free)\\b`, "i");
// "How many drones…" is not answered by "$37 million" or "in 2023": a count is a number that is no sum of
// money, percentage, year or day of the month.
const COUNT_ASKED = new RegExp(`^how\\s+many\\b(?!\\s+(?:\\w+\\s+)?(?:${CURRENCY})\\b)`, "i");
const MONEY_OR_DATE = new RegExp(
  `(?:[$€£¥₹₽₴]|\\b(?:US|USD|EUR|JPY|GBP)\\s?\\$?)\\s?\\d[\\d.,]*(?:\\s*(?:thousand|million|billion|trillion|bn|mn|m|k)\\b)?|\\b\\d[\\d.,]*\\s*(?:thousand|million|billion|trillion|bn|mn)?\\s*(?:(?:US|U\\.S\\.)\\s+)?(?:${CURRENCY})\\b|\\d[\\d.,]*\\s*(?:%|per\\s*cent|percent)|\\b(?:1[89]|20)\\d\\d\\b|\\b\\d{1,2}(?:st|nd|rd|th)?\\s+(?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)\\w*|\\b(?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)\\w*\\.?\\s+\\d{1,2}\\b`,
  "gi",
);
const statesCount = (text: string) => /\d|\b(?:one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|twenty|thirty|forty|fifty|hundred|thousand|dozen)\b/i.test(text.replace(MONEY_OR_DATE, " "));
// "Since what year…" is not answered by "In February…".
const YEAR_ASKED = /^(?:what|which)\s+years?\b/i;
const YEAR_STATED = /\b(?:1[89]|20)\d\d(?:s|\b)/;
// "Why was the programme suspended?" is not answered by a sentence that only says it was: a reason is given
// with a word that says so, or a purpose with "to" and a verb ("pruned in winter to open the crown").
const REASON_ASKED = /^(?:why\b|(?:what|which)\s+(?:(?:is|was|are|were)\s+the\s+)?(?:[\w'’-]+\s+)?(?:reasons?|causes?|motives?|grounds?|justifications?|rationale)\b|for\s+what\s+reason\b)/i;
const REASON_STATED =
  /\b(?:(?:this|that|which|it)(?:\s+is|'s)\s+(?:why|for|because|so|since|due|to|what)|because|due\s+to|owing\s+to|thanks\s+to|since|as\s+a\s+result|result(?:ed|s|ing)?\s+(?:of|from)|in\s+order\s+to|so\s+(?:that|as\s+to)|given|reasons?|causes?|caused|motiv\w+|aim(?:s|ed)?|purpose|goal|in\s+response\s+to|in\s+light\s+of|in\s+view\s+of|for\s+fear|amid|led\s+to|leads?\s+to|therefore|thus|hence|consequently|so|justif\w+|rationale|grounds?|on\s+the\s+basis\s+of|based\s+on|stem(?:s|med)?\s+from|driven\s+by|to\s+(?!(?:the|a|an|its|their|his|her|our|your|my|this|that|these|those|them|it|him|us|me|be|date|which|what|whom|each|all|any|some|one|other|another)\b)\p{Ll}{3,})\b/iu;
// "How many tonnes of LNG…", "how many members of…": what is counted is named, and the figure must be of it.
// Measurement units are counted by name even without "of": "How many kilometres…".
const UNIT =
  /^(?:tonnes?|tons?|metres?|meters?|kilometres?|kilometers?|km|miles?|litres?|liters?|barrels?|gallons?|hectares?|acres?|kilograms?|kg|grams?|watts?|kilowatts?|megawatts?|gigawatts?|kw|mw|gw|kwh|mwh|gwh|twh|bytes?|kilobytes?|megabytes?|gigabytes?|kb|mb|gb|bits?|characters?|pixels?|degrees?)$/i;

// What is counted is named only where a measure word says so, "How many tonnes of LNG…", "how many members
// of…", or a unit of measurement: "How many kilometres…". Any other counted noun a paraphrase may say in other
// words ("lawmakers" for "members of the House"), so it is not required (measured on the probes: requiring it
// turned two paraphrases into abstentions).
function countedThing(asked: string): ((text: string) => boolean) | null {
  const m = /^how\s+many\s+([\p{L}-]+)(\s+of\b)?/iu.exec(asked);
  if (!m || !(m[2] || UNIT.test(m[1]!))) return null;
  const counted = stem(m[1]!.toLowerCase());
  return (text) => tokenize(text).some((t) => stem(t) === counted);
}

/**
 * For a question that asks for the value of an attribute with a shape of its
 * own (a version, a default, a percentage, a sum of money, a count of a named
 * unit), a test that a quoted text states one; `null` when the question asks
 * for no such attribute.
 */
export function askedAttribute(question: string, figureKinds = true): ((text: string) => boolean) | null {
  const q = interrogativeClause(question);
  const wh = WH_WORD.exec(q) ?? /\bwhy\b/i.exec(q);
  if (!wh) return null;
  const asked = q.slice(wh.index);
  const tests: ((text: string) => boolean)[] = ATTRIBUTES.filter((a) => a.asked.test(asked)).map((a) => (text: string) => a.stated.test(text));
  if (!figureKinds) return tests.length === 0 ? null : (text) => tests.every((t) => t(text));
  if (PERCENT_ASKED.test(asked)) tests.push((text) => PERCENT_STATED.test(text));
  if (RATE_ASKED.test(asked)) tests.push((text) => RATE_STATED.test(text));
  if (YEAR_ASKED.test(asked)) tests.push((text) => YEAR_STATED.test(text));
  if (REASON_ASKED.test(asked)) tests.push((text) => REASON_STATED.test(text));
  if (MONEY_ASKED.test(asked)) tests.push((text) => MONEY_STATED.test(text));
  if (COUNT_ASKED.test(asked)) tests.push(statesCount);
  const counted = countedThing(asked);
  if (counted) tests.push(counted);
  return tests.length === 0 ? null : (text) => tests.every((t) => t(text));
}

// Regular verbs with their past and third-person forms, a particle kept: "call_for" → "called for", "calls for".
function verbs(list: string): [string, string[]][] {
  return list.split(" ").map((entry) => {
    const [head = "", ...particle] = entry.split("_");
    const y = /[^aeiou]y$/.test(head);
    const past = y ? `${head.slice(0, -1)}ied` : head.endsWith("e") ? `${head}d` : `${head}ed`;
    const third = y ? `${head.slice(0, -1)}ies` : /(?:s|sh|ch|x|z)$/.test(head) ? `${head}es` : `${head}s`;
    return [[head, ...particle].join(" "), [past, third].map((form) => [form, ...particle].join(" "))];
  });
}

// Whether the i-th word of a sentence is a figure, a date or a proper name.
const IS_FACT: Record<FactType, (word: string, i: number, words: readonly string[]) => boolean> = {
  quantity: (word, i, words) =>
    (FIGURE.test(word) && !YEAR.test(word) && !NUMBER_LABEL.test(words[i - 1] ?? "") && !DAY_OF_MONTH(word, i, words)) ||
    (NUMBER_WORD.test(word) && !PRONOUN_ONE(word, i, words)),
  date: (word) => MONTH.test(word) || YEAR.test(word) || DECADE.test(word),
  name: (word, i) => (i > 0 && word.length > 1 && startsUppercase(word)) || (IDENTIFIER.test(word) && !YEAR.test(word) && !DECADE.test(word)),
};

const NO_FACTS: readonly string[] = Object.freeze([]);

/**
 * Stems of the words (`casedWords` of a sentence) that are facts of the type:
 * what a question of that type can be answered with. Few words qualify, so a
 * sentence's list is short and worth keeping.
 */
export function factStems(type: FactType, words: readonly string[], commonWords: CommonWords = NO_COMMON_WORDS): readonly string[] {
  const isFact = IS_FACT[type];
  let stems: string[] | undefined;
  for (let i = 0; i < words.length; i++) {
    const word = words[i]!;
    if (!isFact(word, i, words)) continue;
    const lower = word.toLowerCase();
    // "the Government", "Prime Minister": a capitalised word the corpus also writes in lowercase names nobody.
    if (type === "name" && lower !== word && commonWords.has(lower)) continue;
    (stems ??= []).push(stem(lower));
  }
  return stems ?? NO_FACTS;
}

/**
 * For one question, a test of whether a sentence holds a fact of the kind it
 * asks for that the question itself does not already contain: a figure, a
 * date, or a proper name; or, for "what did X say", reported speech. The
 * question is parsed once, not per sentence; `facts` gives a sentence's
 * `factStems` (the caller may have them remembered).
 */
export function suppliesAnswerTo(
  question: string,
  commonWords: CommonWords = NO_COMMON_WORDS,
): (sentence: string, facts?: (type: FactType) => readonly string[]) => boolean {
  const type = expectedAnswerType(question);
  if (type === null) return () => false;
  if (type === "statement") return (sentence) => REPORTED_SPEECH.test(sentence);
  const asked = new Set(tokenize(question).map(stem));
  // "$9.18" in the sentence is the question's "$9.18 billion", whose token is "9.18": a figure the question gives is no answer to it.
  const given = (fact: string) => asked.has(fact) || asked.has(fact.replace(LEADING_SYMBOLS, ""));
  const isNew = (term: string) => tokenize(term).some((t) => !asked.has(stem(t)));
  if (type === "name") {
    // Only in prose: a line of code is all identifiers, and says nothing of which one is the answer.
    return (sentence, facts = (t) => factStems(t, casedWords(sentence), commonWords)) =>
      (facts(type).some((fact) => !given(fact)) && namesSomeoneNew(casedWords(sentence), given, commonWords)) ||
      (PROSE_END.test(sentence) && markedTerms(sentence).some(isNew));
  }
  return (sentence, facts = (t) => factStems(t, casedWords(sentence))) => facts(type).some((fact) => !given(fact));
}

const LEADING_SYMBOLS = /^[^\p{L}\p{N}]+/u;
// Lowercase words inside a person's name: "Ursula von der Leyen", "Charles de Gaulle".
const NAME_PARTICLE = /^(?:von|van|der|den|de|del|della|di|da|du|la|le|al|el|bin|ibn|ben)$/;

/**
 * Whether a sentence names someone or something the question does not: a
 * run of name words ("European Commission President Ursula von der Leyen")
 * none of whose words the question gives. "Ursula" alone is new, but the
 * run is the question's "von der Leyen".
 */
function namesSomeoneNew(words: readonly string[], given: (fact: string) => boolean, commonWords: CommonWords): boolean {
  const isName = (i: number) => {
    const word = words[i]!;
    return IS_FACT.name(word, i, words) && !(commonWords.has(word.toLowerCase()) && word.toLowerCase() !== word);
  };
  let i = 0;
  while (i < words.length) {
    if (!isName(i)) {
      i++;
      continue;
    }
    let fresh = true;
    let j = i;
    for (; j < words.length; j++) {
      if (isName(j)) fresh &&= !given(stem(words[j]!.toLowerCase()));
      else if (!(NAME_PARTICLE.test(words[j]!) && j + 1 < words.length && isName(j + 1))) break;
    }
    if (fresh) return true;
    i = j;
  }
  return false;
}

// What a text marks as the name of something, whatever its case: a code span (`.node`, ``--help``),
// a short quoted or emphasised term ('ss', “glyph”, *count*, **glyph**). A quotation of more than a few
// words is speech, not a name.
const MARKED_TERM =
  /``([^`]{1,40})``|`([^`]{1,40})`|(?<![\p{L}\p{N}])['‘"“]([^'’"”\n]{1,40})['’"”](?![\p{L}\p{N}])|\*\*([^*]{1,40})\*\*|(?<![\p{L}\p{N}*])\*([^*\s][^*]{0,39})\*(?![\p{L}\p{N}*])/gu;
// Identifiers written as code even when unmarked: shutdown(1), --verbose, default=0, require.main, NODE_PATH, snake_case.
const CODE_TOKEN =
  /(?<![\w.-])(?:--?[a-z][\w-]*|[a-z_]\w*(?:\.[a-z_]\w*)*\.[a-z_]\w{2,}(?:\(\S{0,20}?\))?|[a-z_]\w*\(\S{0,20}?\)|[a-z_]\w*=\S+|[a-z]\w*_\w+|[A-Z][A-Z0-9]*_[A-Z0-9_]+)(?![\w-])/gi;
const MAX_TERM_WORDS = 4;
const PROSE_END = /\p{L}[\p{L}\p{N})`'"’”*]*[.!?]["'”’)\]]*$/u;

/** The terms a sentence marks as names: code spans, short quoted or emphasised terms, code identifiers. */
export function markedTerms(sentence: string): string[] {
  const terms: string[] = [];
  for (const m of sentence.matchAll(MARKED_TERM)) {
    const term = m.slice(1).find((g) => g !== undefined)!.trim();
    if (term && term.split(/\s+/).length <= MAX_TERM_WORDS) terms.push(term);
  }
  for (const m of sentence.matchAll(CODE_TOKEN)) terms.push(m[0]);
  return terms;
}

function startsUppercase(word: string): boolean {
  const first = word.charCodeAt(0);
  return first < 0x80 ? first >= 0x41 && first <= 0x5a : STARTS_UPPERCASE.test(word);
}
