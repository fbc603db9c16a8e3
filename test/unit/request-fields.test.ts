import { describe, expect, it } from 'vitest'
import {
  optionalPositiveInteger,
  requireNonBlankString,
  requireString,
} from '../../node/api/request-fields.ts'

function refusal(read: () => unknown): { status?: number; name?: string; message?: string } {
  try {
    read()
  } catch (err) {
    return err as { status: number; name: string; message: string }
  }
  throw new Error('expected a refusal')
}

describe('local API request fields', () => {
  it('takes a non-empty string and refuses anything else with a 400 naming the field', () => {
    expect(requireString(' ', 'text')).toBe(' ')
    expect(refusal(() => requireString('', 'text'))).toMatchObject({
      status: 400,
      name: 'InvalidRequest',
      message: '"text" must be a non-empty string',
    })
    expect(refusal(() => requireString(3, 'to')).message).toContain('"to"')
  })

  it('refuses whitespace alone where a blank field makes no sense', () => {
    expect(requireNonBlankString(' a ', 'path')).toBe(' a ')
    expect(refusal(() => requireNonBlankString(' \t', 'path'))).toMatchObject({
      status: 400,
      name: 'InvalidRequest',
    })
  })

  it('reads an optional positive integer query parameter', () => {
    expect(optionalPositiveInteger(null, 'limit')).toBeUndefined()
    expect(optionalPositiveInteger('', 'limit')).toBeUndefined()
    expect(optionalPositiveInteger('20', 'limit')).toBe(20)
    for (const bad of ['0', '-1', '1.5', 'ten', '9007199254740993']) {
      expect(refusal(() => optionalPositiveInteger(bad, 'before'))).toMatchObject({
        status: 400,
        message: '"before" must be a positive integer',
      })
    }
  })
})
