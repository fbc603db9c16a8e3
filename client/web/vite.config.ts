/**
 * Builds the web client into client/web/dist, which the node serves at `/` of its local API.
 * Preact's JSX goes through Vite's own transform (no Babel). The build prints the gzipped
 * size of the JS a first visit loads and fails above the budget.
 */
import { gzipSync } from 'node:zlib'
import { defineConfig, type Plugin } from 'vite'

/** Gzipped JS the first screen may load. */
export const INITIAL_JS_BUDGET_BYTES = 200 * 1024

export default defineConfig({
  root: import.meta.dirname,
  base: '/',
  publicDir: 'public',
  oxc: { jsx: { runtime: 'automatic', importSource: 'preact' } },
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    target: 'es2022',
    sourcemap: false,
    // The polyfill only matters for browsers older than the ones ES2022 needs.
    modulePreload: { polyfill: false },
  },
  plugins: [initialJsBudget()],
})

function initialJsBudget(): Plugin {
  return {
    name: 'tokenim-initial-js-budget',
    apply: 'build',
    generateBundle(_options, bundle) {
      const chunks = Object.values(bundle).filter((item) => item.type === 'chunk')
      const initial = new Set<string>()
      const visit = (fileName: string) => {
        if (initial.has(fileName)) return
        initial.add(fileName)
        const chunk = chunks.find((c) => c.fileName === fileName)
        for (const imported of chunk?.imports ?? []) visit(imported)
      }
      for (const chunk of chunks) if (chunk.isEntry) visit(chunk.fileName)
      const gzipped = chunks
        .filter((chunk) => initial.has(chunk.fileName))
        .reduce((sum, chunk) => sum + gzipSync(chunk.code, { level: 9 }).length, 0)
      const kb = (gzipped / 1024).toFixed(1)
      this.info(`initial JS ${kb} KB gzipped (budget ${INITIAL_JS_BUDGET_BYTES / 1024} KB)`)
      if (gzipped > INITIAL_JS_BUDGET_BYTES) {
        this.error(
          `initial JS is ${kb} KB gzipped, over the ${INITIAL_JS_BUDGET_BYTES / 1024} KB budget`,
        )
      }
    },
  }
}
