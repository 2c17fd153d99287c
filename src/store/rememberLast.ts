/**
 * `read`, remembering its result for the last key only: a build's documents
 * are read by the corpus loader and again by an incremental build of the same
 * build, but a long-running service must not keep every old build's texts. A
 * failed read is forgotten.
 */
export function rememberLast<T>(read: (key: string) => Promise<T>): (key: string) => Promise<T> {
  let last: { key: string; value: Promise<T> } | undefined;
  return (key) => {
    if (last?.key === key) return last.value;
    const value = read(key);
    const entry = (last = { key, value });
    value.catch(() => {
      if (last === entry) last = undefined;
    });
    return value;
  };
}
