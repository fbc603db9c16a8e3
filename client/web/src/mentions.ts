/**
 * `@name` in a room's text: the word being typed at the cursor, and the members picked whose
 * `@Name` a text still holds (what the message names, by account key).
 */

/** A member who may be mentioned. */
export interface Mentionable {
  /** Account key, hex: what the message carries. */
  key: string
  name: string
}

/** The `@word` that ends at `caret`, if the caret is in one. */
export function mentionQueryAt(
  text: string,
  caret: number,
): { start: number; query: string } | null {
  const match = /(^|\s)@([^\s@]*)$/u.exec(text.slice(0, caret))
  if (match == null) return null
  return { start: caret - match[2].length - 1, query: match[2] }
}

/** The keys of the picked members whose `@Name` is still in `text`. */
export function mentionedKeys(text: string, picked: ReadonlyMap<string, string>): string[] {
  return [...picked].filter(([name]) => text.includes(`@${name}`)).map(([, key]) => key)
}
