/**
 * The built web client (client/web/dist, made by `npm run build`): what a first visit loads
 * stays under the budget, and the page carries no inline code the CSP would have to allow.
 */
import { readdir, readFile } from 'node:fs/promises'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { gzipSync } from 'node:zlib'
import { describe, expect, it } from 'vitest'
import { INITIAL_JS_BUDGET_BYTES } from '../../client/web/vite.config.ts'

const DIST = fileURLToPath(new URL('../../client/web/dist/', import.meta.url))

describe('web client build', () => {
  it('loads less than 200 KB of gzipped JS on the first screen, with no inline script', async () => {
    const html = await readFile(join(DIST, 'index.html'), 'utf8')
    const scripts = [...html.matchAll(/<script\b([^>]*)>([\s\S]*?)<\/script>/g)]
    expect(scripts.length).toBeGreaterThan(0)
    for (const [, attributes, body] of scripts) {
      expect(attributes).toMatch(/\bsrc="\/assets\/[^"]+\.js"/)
      expect(body.trim()).toBe('')
    }
    expect(html).not.toMatch(/<style\b|\sstyle="|\son[a-z]+="/i)
    expect(html).not.toMatch(/https?:\/\//)

    const initial = [
      ...scripts.map(([, attributes]) => /src="([^"]+)"/.exec(attributes)![1]),
      ...[...html.matchAll(/<link rel="modulepreload"[^>]*href="([^"]+)"/g)].map((m) => m[1]),
    ]
    let gzipped = 0
    for (const path of initial) gzipped += gzipSync(await readFile(join(DIST, path))).length
    console.log(
      `web client: initial JS ${(gzipped / 1024).toFixed(1)} KB gzipped in ${initial.length} file(s), budget ${INITIAL_JS_BUDGET_BYTES / 1024} KB`,
    )
    expect(gzipped).toBeLessThan(INITIAL_JS_BUDGET_BYTES)
  })

  it('keeps the Chinese catalog out of the first screen: a chunk of its own, loaded on demand', async () => {
    const assets = await readdir(join(DIST, 'assets'))
    const chinese = assets.filter((name) => /^zh-[\w-]+\.js$/.test(name))
    expect(chinese).toHaveLength(1)
    const html = await readFile(join(DIST, 'index.html'), 'utf8')
    expect(html).not.toContain(chinese[0])
    const text = await readFile(join(DIST, 'assets', chinese[0]), 'utf8')
    expect(text).toContain('设置')
    for (const name of assets.filter((a) => a.endsWith('.js') && a !== chinese[0])) {
      expect(await readFile(join(DIST, 'assets', name), 'utf8'), name).not.toContain('备份短语')
    }
  })
})
