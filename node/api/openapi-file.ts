/**
 * Writes the local API's OpenAPI document to doc/local-api.openapi.json, for readers who
 * have no node running (a running node serves the same at `GET /v1/openapi.json`).
 * `npm run openapi` after a route or schema changes; a test fails while the file is stale.
 */
import { writeFile } from 'node:fs/promises'
import { fileURLToPath } from 'node:url'
import { localApiDocument } from './openapi-route.ts'

export const OPENAPI_FILE = fileURLToPath(
  new URL('../../doc/local-api.openapi.json', import.meta.url),
)

/** The file's text: the document with a templated server address, as JSON. */
export function openApiFileText(): string {
  return `${JSON.stringify(localApiDocument(), null, 2)}\n`
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  await writeFile(OPENAPI_FILE, openApiFileText())
  console.log(`wrote ${OPENAPI_FILE}`)
}
