/**
 * A minimal request for an OpenAPI operation, made from its schemas alone: each required
 * property gets a value of its type (the first of an enum, a const, an empty list), and a
 * property a test knows better (a password, a peer) gets the test's value.
 */

// biome-ignore lint/suspicious/noExplicitAny: JSON Schema, read as the JSON it is
type Schema = Record<string, any>

export interface SampleSource {
  /** The document's component schemas, to follow `$ref`. */
  components: Record<string, Schema>
  /** Values by property or parameter name. */
  known: Record<string, unknown>
}

export function sample(schema: Schema, source: SampleSource, name = ''): unknown {
  if (name in source.known) return source.known[name]
  if (schema.$ref != null) {
    return sample(source.components[String(schema.$ref).split('/').pop()!], source, name)
  }
  if ('const' in schema) return schema.const
  if (schema.enum != null) return schema.enum[0]
  const choices = schema.oneOf ?? schema.anyOf
  if (choices != null) return sample(choices[0], source, name)
  const type = Array.isArray(schema.type) ? schema.type[0] : schema.type
  switch (type) {
    case 'object': {
      const object: Record<string, unknown> = {}
      for (const key of schema.required ?? []) {
        object[key] = sample(schema.properties?.[key] ?? {}, source, key)
      }
      return object
    }
    case 'array':
      return []
    case 'integer':
    case 'number':
      return Math.max(1, schema.minimum ?? 1)
    case 'boolean':
      return false
    case 'null':
      return null
    default:
      return 'x'
  }
}
