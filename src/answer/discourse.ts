import type { Span } from "../types.js";

/**
 * What documents and their parts are called: a question about what "the Act"
 * or "the HOWTO" says asks for the text's own statement, and "This Regulation…"
 * names the text, not the sentence before. General English, not any corpus's.
 */
export const DOCUMENT_NOUNS = (
  "act law statute regulation directive code constitution treaty convention agreement contract article section clause " +
  "paragraph subsection chapter part schedule annex appendix provision rule guideline policy document text guide manual " +
  "handbook howto tutorial documentation specification standard faq readme page book report paper study analysis license licence " +
  "judgment judgement decision opinion"
).split(" ");

// How sentences of one text lean on each other: which one a sentence refers
// back to, which one it continues or announces. General English and layout, so
// that an answer quotes a sentence with the sentences it cannot be read without.

// Openings that lean on the sentence before: "This was announced…", "He stated…", "Since that month…".
const REFERRING_OPENING =
  /^(?:this|these|that|those|such|he|she|it|they|his|her|its|their|the (?:amount|figure|sum|total|number|latter|former)|since (?:then|that)|secondly|thirdly|moreover|in addition|specifically)\b/i;

export function startsWithReference(sentence: string): boolean {
  return REFERRING_OPENING.test(sentence);
}

// Of those, the ones whose subject is in the sentence before ("This tells the server…", "Such a
// request…"), not connectives that only add to it ("Moreover, according to…"). Not "It is
// possible to…", "It should be noted that…": "it" there stands for what follows.
const ANAPHORIC_OPENING =
  /^(?:this|these|that|those|such|he|she|they|his|her|its|their|the (?:amount|figure|sum|total|number|latter|former)|it(?!\s+(?:is|was|will be|would be|may be|can be|should be|must be|seems|appears)(?:\s+\p{L}+){1,2}\s+(?:to|that|whether|if)\b))\b/iu;

// "This Regulation applies to…", "This License refers to version 3…": a text naming itself, not the sentence before.
const SELF_REFERENCE = new RegExp(`^(?:this|these)\\s+(?:${DOCUMENT_NOUNS.join("|")})s?\\b`, "i");

export function startsWithAnaphor(sentence: string): boolean {
  return ANAPHORIC_OPENING.test(sentence) && !SELF_REFERENCE.test(sentence);
}

// A sentence's end, closing quotes and brackets allowed.
const SENTENCE_END = /[.!?…]["'”’»)\]]*$/;

/** Ends as a sentence does: a heading, a caption or a line cut short does not. */
export function endsSentence(text: string): boolean {
  return SENTENCE_END.test(text);
}

// An item of a list: "(a) the name and address of the controller;", "(4) ‘profiling’ means…; and",
// "- the key function is called once,". Each states one complete part of what the list says.
const LIST_ITEM = /^(?:\(?(?:\d{1,3}|[a-z]{1,2}|[ivxlc]{1,5})\)|\d{1,3}(?:\.\d{1,3})*\.|[-–•*▪◦]|#\.)\s/i;
const CLAUSE_END = /(?:[;,]|;\s+(?:and|or))["'”’)\]]*$/;

/** Ends a statement: a sentence, or an item of a list closed by ";" or ",". */
export function endsStatement(text: string): boolean {
  return endsSentence(text) || (LIST_ITEM.test(text) && CLAUSE_END.test(text));
}

// "…the default date format is:", "The following acts are prohibited:": a clause left open by a colon
// after a verb or function word, or one that promises what follows, is completed by what comes after.
// "…is called Decorate-Sort-Undecorate after its three steps:" is complete; the steps only elaborate.
const OPEN_BEFORE_COLON =
  /\b(?:is|are|was|were|be|been|include|includes|including|contain|contains|mean|means|read|reads|namely|follows|below|such as|like|this|these|to|of|by|with|for|from|in|on|at|than|that|as|the|a|an)\s*:$/i;
const PROMISES_WHAT_FOLLOWS = /\b(?:the following|as follows)\b/i;

export function announces(text: string): boolean {
  return /:$/.test(text) && !/::$/.test(text) && !/^\.\.\s/.test(text) && (OPEN_BEFORE_COLON.test(text) || PROMISES_WHAT_FOLLOWS.test(text));
}

// Layout that comes between an announcement and what it announces, and states nothing:
// reStructuredText directives and comments (".. code-block:: none"), "::" on its own, HTML comments.
const MARKUP_ONLY = /^(?:\.\.\s|::$|<!--.*-->$)/;

/** A line of markup with no content of its own. */
export function markupOnly(text: string): boolean {
  return MARKUP_ONLY.test(text);
}

// A lowercase opening continues a sentence that a display (code, a formula, a list) or a wrong split
// interrupted: "%Y-%m-%d %H:%M:%S" / "with the milliseconds tacked on at the end."
const LOWERCASE_OPENING = /^\p{Ll}/u;

export function continuesSentence(text: string): boolean {
  return LOWERCASE_OPENING.test(text) && !/^\p{Ll}[\w.]*[(=[]/u.test(text);
}

/** At most this many characters between two sentences of one paragraph: a space or a line break. */
export const PARAGRAPH_GAP = 2;
/** Between an announcement and what it announces: blank lines, indentation, a directive line. */
export const DISPLAY_GAP = 16;

/** The sentence `id + step` when it is in the same document and at most `gap` characters away from `id`. */
export function adjacent(sentences: readonly Span[], id: number, step: 1 | -1, gap: number): number | undefined {
  const here = sentences[id];
  const there = sentences[id + step];
  if (!here || !there || there.docId !== here.docId) return undefined;
  const between = step === 1 ? there.start - here.end : here.start - there.end;
  return between >= 0 && between <= gap ? id + step : undefined;
}

/**
 * The sentence a sentence leans on, the one before it in its paragraph: what
 * "This…" refers to, the lead-in a list item or display completes ("The notice
 * shall contain:" / "(a) the name of the controller;"), the first part of a
 * sentence cut short.
 */
export function antecedentOf(sentences: readonly Span[], id: number): number | undefined {
  const text = sentences[id]?.text;
  const before = text === undefined ? undefined : adjacent(sentences, id, -1, PARAGRAPH_GAP);
  if (before === undefined) return undefined;
  const previous = sentences[before]!.text;
  if (announces(previous)) return before;
  // A heading is not what "This…" refers to; a fragment continues only what was left unfinished.
  if (endsSentence(previous)) return startsWithAnaphor(text!) ? before : undefined;
  return continuesSentence(text!) ? before : undefined;
}

/** Most sentences added to finish one that a display or a wrong split left open. */
const MAX_COMPLETION = 3;
/** Past this many characters a completion stops after its first sentence: a long list is cited, not quoted whole. */
const MAX_UNIT_CHARS = 350;

/**
 * The sentences quoted for sentence `id`: the one it refers back to or
 * continues, itself, and what it leaves open: the content it announces
 * ("…the default date format is:" / "%Y-%m-%d %H:%M:%S" / "with the
 * milliseconds tacked on at the end."), or the rest of a sentence cut short
 * ("…and finally" / "`.node`.").
 */
export function sentenceUnit(sentences: readonly Span[], id: number): number[] {
  const unit = [id];
  const back = antecedentOf(sentences, id);
  if (back !== undefined) unit.unshift(back);
  let last = id;
  let chars = unit.reduce((n, i) => n + sentences[i]!.text.length, 0);
  for (let added = 0; added < MAX_COMPLETION && !endsStatement(sentences[last]!.text) && (added === 0 || chars <= MAX_UNIT_CHARS); added++) {
    const announcing = announces(sentences[last]!.text);
    let next = adjacent(sentences, last, 1, announcing ? DISPLAY_GAP : PARAGRAPH_GAP);
    while (announcing && next !== undefined && markupOnly(sentences[next]!.text)) next = adjacent(sentences, next, 1, DISPLAY_GAP);
    // Without an announcement, only a sentence that does not start anew finishes the open one; a clause
    // closed by a colon is complete, and a list item starts anew.
    if (next === undefined || (!announcing && (/:$/.test(sentences[last]!.text) || LIST_ITEM.test(sentences[next]!.text) || !startsMidSentence(sentences[next]!.text)))) break;
    unit.push(next);
    chars += sentences[next]!.text.length;
    last = next;
  }
  return unit;
}

// Not a capital: a lowercase word, a code span, a figure, punctuation.
function startsMidSentence(text: string): boolean {
  return !/^["'“‘(]?\p{Lu}/u.test(text);
}
