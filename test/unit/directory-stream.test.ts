/**
 * Requests pipelined on one directory stream: answers settle their own request in order, a
 * relay's failure arrives as its typed error, and anything that could break the order ends
 * the pipeline. The relay's side is a bare framed stream over an in-memory stream pair.
 */
import { streamPair } from '@libp2p/utils'
import { describe, expect, it } from 'vitest'
import { FramedStream } from '../../network/index.ts'
import { DirectoryStream, RequestPipeline } from '../../node/directory/directory-stream.ts'
import { DIRECTORY_STREAM_LIMITS } from '../../protocol/limits.ts'
import { DirectoryRequest, DirectoryResponse } from '../../protocol/proto/directory.ts'
import { withTimeout } from '../helpers/wait.ts'

async function pipelineWithRelay() {
  const [outbound, inbound] = await streamPair()
  let closes = 0
  const pipeline = new RequestPipeline(new DirectoryStream(outbound), () => closes++)
  const relay = new FramedStream(inbound, { limits: DIRECTORY_STREAM_LIMITS })
  return {
    pipeline,
    closes: () => closes,
    nextRequest: async () => DirectoryRequest.decode(await relay.read()),
    answer: (response: Partial<DirectoryResponse>) =>
      relay.write(DirectoryResponse.encode(response)),
  }
}

const signal = () => AbortSignal.timeout(10_000)

describe('RequestPipeline', () => {
  it('settles requests written back to back with the answers in their order', async () => {
    const { pipeline, nextRequest, answer } = await pipelineWithRelay()
    const first = pipeline.request({ lookup: { name: 'alice' } }, signal())
    const second = pipeline.request({ lookup: { name: 'bob' } }, signal())
    expect((await nextRequest()).lookup?.name).toBe('alice')
    expect((await nextRequest()).lookup?.name).toBe('bob')
    await answer({ accepted: true })
    await answer({ accepted: false })
    expect((await withTimeout(first, 5_000, 'first answer')).accepted).toBe(true)
    expect((await withTimeout(second, 5_000, 'second answer')).accepted).toBe(false)
    expect(pipeline.closed).toBe(false)
  })

  it("throws a relay's failure as its typed error and stays open", async () => {
    const { pipeline, nextRequest, answer } = await pipelineWithRelay()
    const refused = pipeline.request({ lookup: { name: 'nobody' } }, signal())
    await nextRequest()
    await answer({ failure: { code: 'not-found', message: 'no such name', retryAfterMs: 0n } })
    await expect(refused).rejects.toMatchObject({ name: 'NameNotFoundError' })
    const next = pipeline.request({ lookup: { name: 'alice' } }, signal())
    await nextRequest()
    await answer({ accepted: true })
    expect((await withTimeout(next, 5_000, 'answer after a failure')).accepted).toBe(true)
  })

  it('ends itself when a request is given up on, so no answer settles the wrong one', async () => {
    const { pipeline, nextRequest, closes } = await pipelineWithRelay()
    const giveUp = new AbortController()
    const abandoned = pipeline.request({ lookup: { name: 'alice' } }, giveUp.signal)
    const waiting = pipeline.request({ lookup: { name: 'bob' } }, signal())
    await nextRequest()
    await nextRequest()
    giveUp.abort(new Error('the caller gave up'))
    await expect(abandoned).rejects.toThrow('the caller gave up')
    await expect(waiting).rejects.toThrow('the caller gave up')
    expect(pipeline.closed).toBe(true)
    expect(closes()).toBe(1)
    await expect(pipeline.request({ lookup: { name: 'carol' } }, signal())).rejects.toMatchObject({
      name: 'DirectoryRequestError',
    })
  })
})
