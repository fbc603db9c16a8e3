import { describe, expect, it } from 'vitest'
import { z } from 'zod'
import { parsed, queryObject, serve } from '../../node/api/declared-route.ts'
import { apiRoute, nonBlank, nonEmpty, queryCount } from '../../protocol/local-api/route.ts'

function refusal(read: () => unknown): { status?: number; name?: string; message?: string } {
  try {
    read()
  } catch (err) {
    return err as { status: number; name: string; message: string }
  }
  throw new Error('expected a refusal')
}

const body = z.object({ text: nonEmpty(), path: nonBlank().optional() })

describe('declared local API routes', () => {
  it('takes a non-empty string and refuses anything else with a 400 naming the field', () => {
    expect(parsed(body, { text: ' ' }, 'body')).toEqual({ text: ' ' })
    expect(refusal(() => parsed(body, { text: '' }, 'body'))).toMatchObject({
      status: 400,
      name: 'InvalidRequest',
      message: '"text" in the request body: must not be empty',
    })
    expect(refusal(() => parsed(body, { text: 3 }, 'body')).message).toMatch(
      /^"text" in the request body: expected string/,
    )
    expect(refusal(() => parsed(body, 'text', 'body')).message).toMatch(/^the request body: /)
  })

  it('refuses whitespace alone where a blank field makes no sense', () => {
    expect(parsed(body, { text: 'a', path: ' a ' }, 'body').path).toBe(' a ')
    expect(refusal(() => parsed(body, { text: 'a', path: ' \t' }, 'body'))).toMatchObject({
      status: 400,
      name: 'InvalidRequest',
    })
  })

  it('reads a positive integer query parameter; an empty one is absent', () => {
    const query = z.object({ limit: queryCount().optional(), before: queryCount().optional() })
    const read = (text: string) => parsed(query, queryObject(new URLSearchParams(text)), 'query')
    expect(read('limit=')).toEqual({})
    expect(read('limit=20&limit=30')).toEqual({ limit: 20 })
    for (const bad of ['0', '-1', '1.5', 'ten', '9007199254740993']) {
      expect(refusal(() => read(`before=${bad}`))).toMatchObject({
        status: 400,
        name: 'InvalidRequest',
      })
      expect(refusal(() => read(`before=${bad}`)).message).toContain('"before" in the query')
    }
  })

  it('runs the handler with the parsed request only', async () => {
    const route = apiRoute({
      method: 'POST',
      path: '/v1/echo',
      summary: 'echo',
      body,
      response: body,
    })
    const routes = serve(route, async (request) => request.body)
    const handler = routes['POST /v1/echo'] as (request: unknown) => Promise<unknown>
    await expect(
      handler({ body: { text: 'hi', extra: 1 }, query: new URLSearchParams() }),
    ).resolves.toEqual({ text: 'hi' })
    await expect(handler({ body: undefined, query: new URLSearchParams() })).rejects.toMatchObject({
      status: 400,
      message: expect.stringContaining('"text"'),
    })
  })
})
