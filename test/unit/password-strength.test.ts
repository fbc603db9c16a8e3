import { describe, expect, it } from 'vitest'
import { checkPasswordStrength } from '../../node/identity/index.ts'

describe('checkPasswordStrength', () => {
  it.each([
    ['', /fewer than 10/],
    ['Ab1!xyz9', /fewer than 10/],
    ['abcdefghijkl', /one kind of character/],
    ['8264019375', /one kind of character/],
    ['aaaaaaaaaaaaaaaaaaaa', /too few different/],
    ['abababababababababab', /too few different/],
    ['Password123!', /well-known/],
    ['iloveyou2024', /well-known/],
    ['1q2w3e4r5t', /well-known/],
    ['!!Superman!!', /well-known/],
    ['my Tokenim pass 42', /name of the app/],
  ])('refuses %j with a reason', (password, reason) => {
    const check = checkPasswordStrength(password)
    expect(check.ok).toBe(false)
    expect(check.ok === false && check.reason).toMatch(reason)
  })

  it.each([
    'correct horse battery staple',
    'violetlanternunderrain',
    'Tr4vel-Pl4ns',
    'café au lait sans sucre',
  ])('accepts %j', (password) => {
    expect(checkPasswordStrength(password)).toEqual({ ok: true })
  })
})
