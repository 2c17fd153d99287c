/** The term's number in the vocabulary, numbering it next if the vocabulary does not have it yet. */
export function termNumber(vocabulary: Map<string, number>, term: string): number {
  let number = vocabulary.get(term);
  if (number === undefined) vocabulary.set(term, (number = vocabulary.size));
  return number;
}
