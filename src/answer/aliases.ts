// Names that refer to the same place or polity: the country, its people and its
// capital ("Kyiv" is grounded by "Ukraine", "American" by "U.S."). General
// knowledge about the entities this kind of corpus discusses, not about any question.
const GROUPS = [
  "japan japanese tokyo",
  "russia russian russians moscow kremlin",
  "ukraine ukrainian ukrainians kyiv kiev",
  "united-states u.s u.s.a usa america american americans washington",
  "united-kingdom u.k uk britain british london",
  "china chinese beijing",
  "european-union eu european brussels",
  "germany german berlin",
  "france french paris",
  "belgium belgian",
  "canada canadian ottawa",
  "korea korean seoul",
  "taiwan taiwanese taipei",
  "india indian delhi",
  "poland polish warsaw",
];

const groupOf = new Map<string, string[]>();
for (const line of GROUPS) {
  const names = line.split(" ");
  for (const name of names) groupOf.set(name, names);
}

/** The term and every name that refers to the same entity. */
export function aliasesOf(term: string): string[] {
  return groupOf.get(term) ?? [term];
}
