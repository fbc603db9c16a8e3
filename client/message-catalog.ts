/**
 * Message catalogs, shared by the web client and the CLI (pure: no I/O). An English catalog
 * is the source of keys; a catalog of another language is typed `CatalogOf<English>`, so
 * TypeScript refuses it while a key is missing. Placeholders are `{name}`, and `ParamsOf`
 * asks a caller for exactly the names its English text holds. A plural message has one text
 * per Intl.PluralRules category of its language, chosen by `{count}`.
 */

/** One text per plural category of the language; `other` is always there. */
export type PluralMessage = { readonly other: string } & {
  readonly [category in Intl.LDMLPluralRule]?: string
}
export type Message = string | PluralMessage

export type CatalogOf<English> = {
  readonly [K in keyof English]: English[K] extends string ? string : PluralMessage
}

type Holes<S> = S extends `${string}{${infer Name}}${infer Rest}` ? Name | Holes<Rest> : never
type HolesOf<M> = M extends string
  ? Holes<M>
  : M extends PluralMessage
    ? 'count' | Holes<M[keyof M]>
    : never

/** The values a message needs: none, or one per placeholder of its English text. */
export type ParamsOf<M, V = string | number> = [HolesOf<M>] extends [never]
  ? []
  : [Record<HolesOf<M>, V>]

/** The text of `message` for `values` (its plural form chosen by `values.count`). */
export function textOf(
  message: Message,
  values: Record<string, unknown>,
  plurals: Intl.PluralRules,
): string {
  if (typeof message === 'string') return message
  return message[plurals.select(Number(values.count))] ?? message.other
}

/** `text` with each `{name}` replaced by `values[name]` (left as is when not given). */
export function fill(text: string, values: Record<string, unknown>): string {
  return text.replace(/\{(\w+)\}/g, (hole, name: string) =>
    name in values ? String(values[name]) : hole,
  )
}
