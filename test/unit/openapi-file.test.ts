import { readFile } from 'node:fs/promises'
import { validate } from '@readme/openapi-parser'
import { describe, expect, it } from 'vitest'
import { OPENAPI_FILE, openApiFileText } from '../../node/api/openapi-file.ts'

/** The document without its version, which follows package.json. */
function unversioned(text: string): unknown {
  const document = JSON.parse(text)
  delete document.info.version
  return document
}

describe('doc/local-api.openapi.json', () => {
  it('is the document the declarations make now (else: npm run openapi)', async () => {
    expect(unversioned(await readFile(OPENAPI_FILE, 'utf8'))).toEqual(
      unversioned(openApiFileText()),
    )
  })

  it('validates as OpenAPI 3.1', async () => {
    const result = await validate(JSON.parse(openApiFileText()))
    expect(result.valid ? [] : result.errors).toEqual([])
  })
})
