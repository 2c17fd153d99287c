import { casedWords, stem, tokenize } from "./terms.js";

/** What kind of fact a question asks for, when its wording says so. */
export type AnswerType = "quantity" | "date" | "name" | "statement" | null;

/** The answer types a single word can supply. */
export type FactType = Exclude<AnswerType, "statement" | null>;

const MONTH = /^(?:jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)$/i;
const YEAR = /^(?:1[89]|20)\d\d$/;
const DIGIT = /\d/;
const DECADE = /^\d{4}s$/;
const STARTS_UPPERCASE = /^\p{Lu}/u;
// "section 12", "Article 5.1", "getLogger": what a "which section/function" question is answered with.
const IDENTIFIER = /^(?:\d+(?:\.\d+)*[a-z]?|[a-z]+[A-Z]\w*)$/;
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
 * the first wh-word, so "Which diplomat did Hayashi summon when the invasion
 * began?" asks for a name, not a date.
 */
export function expectedAnswerType(question: string): AnswerType {
  const q = question.toLowerCase();
  const wh = /\b(?:who|whom|whose|what|which|when|where|how)\b/.exec(q);
  if (!wh) return null;
  const asked = q.slice(wh.index);
  if (ASKS_FOR_STATEMENT.test(asked)) return "statement";
  if (/^(?:how (?:much|many|large|big|long|high)\b(?! ago)|(?:what|which) (?:(?:is|was|are|were) the )?(?:\w+ )?(?:amount|share|percentage|proportion|sum|number|figure|value|total|rate|cost|price)\b)/.test(asked)) return "quantity";
  if (/^(?:when|(?:what|which) (?:date|day|year|month)|how long ago)\b/.test(asked)) return "date";
  if (/^(?:who|whom|whose|where)\b/.test(asked) || asksForNamed(asked)) return "name";
  return null;
}

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
const IS_FACT: Record<FactType, (word: string, i: number) => boolean> = {
  quantity: (word) => (DIGIT.test(word) && !YEAR.test(word)) || NUMBER_WORD.test(word),
  date: (word) => MONTH.test(word) || YEAR.test(word) || DECADE.test(word),
  name: (word, i) => (i > 0 && word.length > 1 && startsUppercase(word)) || (IDENTIFIER.test(word) && !YEAR.test(word) && !DECADE.test(word)),
};

const NO_FACTS: readonly string[] = Object.freeze([]);

/**
 * Stems of the words (`casedWords` of a sentence) that are facts of the type:
 * what a question of that type can be answered with. Few words qualify, so a
 * sentence's list is short and worth keeping.
 */
export function factStems(type: FactType, words: readonly string[]): readonly string[] {
  const isFact = IS_FACT[type];
  let stems: string[] | undefined;
  for (let i = 0; i < words.length; i++) if (isFact(words[i]!, i)) (stems ??= []).push(stem(words[i]!.toLowerCase()));
  return stems ?? NO_FACTS;
}

/**
 * For one question, a test of whether a sentence holds a fact of the kind it
 * asks for that the question itself does not already contain: a figure, a
 * date, or a proper name; or, for "what did X say", reported speech. The
 * question is parsed once, not per sentence; `facts` gives a sentence's
 * `factStems` (the caller may have them remembered).
 */
export function suppliesAnswerTo(question: string): (sentence: string, facts?: (type: FactType) => readonly string[]) => boolean {
  const type = expectedAnswerType(question);
  if (type === null) return () => false;
  if (type === "statement") return (sentence) => REPORTED_SPEECH.test(sentence);
  const asked = new Set(tokenize(question).map(stem));
  return (sentence, facts = (t) => factStems(t, casedWords(sentence))) => facts(type).some((fact) => !asked.has(fact));
}

function startsUppercase(word: string): boolean {
  const first = word.charCodeAt(0);
  return first < 0x80 ? first >= 0x41 && first <= 0x5a : STARTS_UPPERCASE.test(word);
}
