import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'

// `npm ci` refuses a lock file that leaves out any optional dependency, including the
// prebuilt binaries for other platforms that `npm install` on Linux may not record when
// the registry mirror lacks them. CI starts with `npm ci`, so such a lock fails CI in
// two seconds; this test finds it with the fast suite.

interface LockEntry {
  optionalDependencies?: Record<string, string>
}

describe('package-lock.json', () => {
  it('records every optional dependency that `npm ci` will look for', () => {
    const lock = JSON.parse(readFileSync('package-lock.json', 'utf8')) as {
      packages: Record<string, LockEntry>
    }
    const missing: string[] = []
    for (const [path, entry] of Object.entries(lock.packages)) {
      for (const name of Object.keys(entry.optionalDependencies ?? {})) {
        const nested = path === '' ? `node_modules/${name}` : `${path}/node_modules/${name}`
        if (!(nested in lock.packages) && !(`node_modules/${name}` in lock.packages)) {
          missing.push(`${name} (wanted by ${path || 'the project'})`)
        }
      }
    }
    expect(missing).toEqual([])
  })
})
