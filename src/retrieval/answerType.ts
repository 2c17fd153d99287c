import { casedWords, stem, tokenize } from "./terms.js";

/** What kind of fact a question asks for, when its wording says so. */
export type AnswerType = "quantity" | "date" | "name" | "statement" | null;

/** The answer types a single word can supply. */
export type FactType = Exclude<AnswerType, "statement" | null>;

const MONTH = /^(?:jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)$/i;
// "What did the ambassador say…", "What principles did Kishida set out…": the answer is what someone said.
const ASKS_FOR_STATEMENT = /^what\b.*\b(?:did|does|do|has|have|had)\b.*\b(?:say|state|stress|emphasi[sz]e|declare|warn|argue|claim|tell|set out|express|pledge|promise|call for)\b/i;
const REPORTED_SPEECH = /[“”"]|\b(?:said|says|stated|stressed|emphasi[sz]ed|declared|warned|argued|claimed|told|expressed|pledged|promised|called for)\b/i;
const YEAR = /^(?:1[89]|20)\d\d$/;
const DIGIT = /\d/;
const DECADE = /^\d{4}s$/;
const STARTS_UPPERCASE = /^\p{Lu}/u;
const NUMBER_WORD = /^(?:one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|twenty|thirty|forty|fifty|hundred|thousand|million|billion|trillion|half|dozen)$/i;

export function expectedAnswerType(question: string): AnswerType {
  const q = question.toLowerCase();
  if (ASKS_FOR_STATEMENT.test(q)) return "statement";
  if (/\b(?:how (?:much|many|large|big|long|high)|what (?:amount|share|percentage|proportion|sum|number|figure|value|total)|how (?:large|big) (?:a|an|is|was))\b/.test(q)) return "quantity";
  if (/\b(?:when|what (?:date|day|year|month)|which (?:date|day|year|month)|since when|how long ago)\b/.test(q)) return "date";
  if (/^(?:who|whom|whose)\b|\b(?:which|what) (?:\w+ ){0,2}(?:countries|country|cities|city|person|people|minister|president|diplomat|ambassador|leader|official|organi[sz]ation|agency|body|bank|company|companies|members|states|nations|projects|mechanism|institution|conference|summit)\b|\bwhere\b/.test(q)) return "name";
  return null;
}

// Whether the i-th word of a sentence is a figure, a date or a proper name.
const IS_FACT: Record<FactType, (word: string, i: number) => boolean> = {
  quantity: (word) => (DIGIT.test(word) && !YEAR.test(word)) || NUMBER_WORD.test(word),
  date: (word) => MONTH.test(word) || YEAR.test(word) || DECADE.test(word),
  name: (word, i) => i > 0 && word.length > 1 && startsUppercase(word),
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
