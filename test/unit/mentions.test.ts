/**
 * `@name` in the room composer (client/web/src/mentions.ts): which word at
 * the cursor is a mention being typed, and which picked members a sent text still names.
 */
import { describe, expect, it } from 'vitest'
import { mentionedKeys, mentionQueryAt } from '../../client/web/src/mentions.ts'

describe('mentions in the composer', () => {
  it('finds the @word that ends at the cursor, and only there', () => {
    expect(mentionQueryAt('hi @bo', 6)).toEqual({ start: 3, query: 'bo' })
    expect(mentionQueryAt('@', 1)).toEqual({ start: 0, query: '' })
    expect(mentionQueryAt('hi @bob and', 11)).toBeNull()
    expect(mentionQueryAt('mail a@b', 8)).toBeNull()
    expect(mentionQueryAt('hi @bob and @ca', 9)).toBeNull()
    expect(mentionQueryAt('你好 @王', 5)).toEqual({ start: 3, query: '王' })
  })

  it('names the picked members whose @Name is still in the text', () => {
    const picked = new Map([
      ['Bob Wang', 'b'.repeat(64)],
      ['carol', 'c'.repeat(64)],
    ])
    expect(mentionedKeys('hi @Bob Wang!', picked)).toEqual(['b'.repeat(64)])
    expect(mentionedKeys('no one', picked)).toEqual([])
  })
})
