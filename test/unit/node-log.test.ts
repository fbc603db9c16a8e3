import { readdir, readFile } from 'node:fs/promises'
import { join } from 'node:path'
import { peerIdFromPrivateKey } from '@libp2p/peer-id'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { debugNamed, formatLine, hostLogger } from '../../network/host-logger.ts'
import { generateIdentity, toLibp2pPrivateKey } from '../../node/identity/index.ts'
import { createNodeLogger, RotatingLogFile } from '../../node/node-log.ts'
import { WARN_LINES_PER_MINUTE } from '../../protocol/limits.ts'
import { makeTempDir } from '../helpers/temp-dir.ts'

let dir: Awaited<ReturnType<typeof makeTempDir>>

beforeEach(async () => {
  dir = await makeTempDir('tokenim-log-')
})

afterEach(() => dir.remove())

/** A destination that keeps each line it is given. */
function lines(): {
  write(line: string): void
  entries: Array<Record<string, unknown>>
  raw: string[]
} {
  const raw: string[] = []
  return {
    raw,
    entries: [] as Array<Record<string, unknown>>,
    write(line: string) {
      raw.push(line)
      this.entries.push(JSON.parse(line))
    },
  }
}

describe('node.log rotation', () => {
  it('keeps at most `files` files of at most `maxBytes`, newest lines last, none split', async () => {
    const path = join(dir.path, 'node.log')
    const file = new RotatingLogFile(path, { maxBytes: 1_000, files: 3 })
    const written = Array.from(
      { length: 100 },
      (_, n) => `line ${String(n).padStart(3, '0')} ${'x'.repeat(80)}\n`,
    )
    for (const line of written) file.write(line)
    file.close()

    expect((await readdir(dir.path)).sort()).toEqual(['node.log', 'node.log.1', 'node.log.2'])
    const kept = []
    for (const name of ['node.log.2', 'node.log.1', 'node.log']) {
      const text = await readFile(join(dir.path, name), 'utf8')
      expect(Buffer.byteLength(text)).toBeLessThanOrEqual(1_000)
      kept.push(text)
    }
    const keptLines = kept.join('').split(/(?<=\n)/)
    // The newest lines, in order, each whole: the oldest were dropped with the oldest file.
    expect(keptLines).toEqual(written.slice(written.length - keptLines.length))
    expect(keptLines.length).toBeGreaterThan(20)
  })

  it('goes on from the size a file had when reopened', async () => {
    const path = join(dir.path, 'node.log')
    const first = new RotatingLogFile(path, { maxBytes: 100, files: 2 })
    first.write(`${'a'.repeat(60)}\n`)
    first.close()
    const second = new RotatingLogFile(path, { maxBytes: 100, files: 2 })
    second.write(`${'b'.repeat(60)}\n`)
    second.close()
    expect(await readFile(`${path}.1`, 'utf8')).toBe(`${'a'.repeat(60)}\n`)
    expect(await readFile(path, 'utf8')).toBe(`${'b'.repeat(60)}\n`)
  })
})

describe('the node logger and libp2p lines in it', () => {
  it('writes JSON lines at the chosen level and up', () => {
    const out = lines()
    const logger = createNodeLogger({ level: 'info', destination: out })
    logger.debug('hidden')
    logger.info({ peerId: 'x' }, 'node started')
    expect(out.entries).toEqual([
      expect.objectContaining({
        level: 30,
        msg: 'node started',
        peerId: 'x',
        service: 'tokenim-node',
      }),
    ])
  })

  it('writes readable lines in text format', () => {
    const out = {
      raw: [] as string[],
      write(line: string) {
        this.raw.push(line)
      },
    }
    createNodeLogger({ format: 'text', destination: out }).warn({ peer: 'p1' }, 'slow relay')
    expect(out.raw[0]).toMatch(/^\d{4}-\d\d-\d\dT[\d:.]+Z WARN slow relay peer=p1\n$/)
  })

  it("logs TokenIM's errors at warn, libp2p's at debug, plain lines at debug", () => {
    const out = lines()
    const logger = hostLogger(createNodeLogger({ level: 'info', destination: out }))
    const ours = logger.forComponent('tokenim:stream-guards')
    const theirs = logger.forComponent('libp2p:dialer')
    ours('a debug line')
    theirs.error('dial failed - %e', new Error('refused'))
    ours.error('closing the connections of %s: %d framing violations', 'peer1', 9)
    expect(ours.enabled).toBe(false)
    expect(out.entries).toEqual([
      expect.objectContaining({
        level: 40,
        component: 'tokenim:stream-guards',
        msg: 'closing the connections of peer1: 9 framing violations',
      }),
    ])
  })

  it('writes at most WARN_LINES_PER_MINUTE warn lines a minute per component, then says how many it left out', () => {
    const out = lines()
    let clock = 1_000_000
    const logger = hostLogger(createNodeLogger({ level: 'info', destination: out }), () => clock)
    const flooded = logger.forComponent('tokenim:dm')
    const quiet = logger.forComponent('tokenim:files')
    for (let i = 0; i < WARN_LINES_PER_MINUTE + 25; i++) flooded.error('bad frame %d', i)
    quiet.error('cannot read offered file')
    const written = (component: string) =>
      out.entries.filter((entry) => entry.component === component).map((entry) => entry.msg)
    expect(written('tokenim:dm')).toHaveLength(WARN_LINES_PER_MINUTE)
    expect(written('tokenim:dm').at(-1)).toBe(`bad frame ${WARN_LINES_PER_MINUTE - 1}`)
    expect(written('tokenim:files')).toEqual(['cannot read offered file'])

    clock += 59_999
    flooded.error('still within the minute')
    expect(written('tokenim:dm')).toHaveLength(WARN_LINES_PER_MINUTE)
    clock += 1
    flooded.error('the next minute')
    expect(written('tokenim:dm').slice(WARN_LINES_PER_MINUTE)).toEqual([
      '26 more lines like these left out in a minute',
      'the next minute',
    ])
  })

  it("formats libp2p's directives: peer ids, errors, bytes, and extra arguments", () => {
    const peer = peerIdFromPrivateKey(toLibp2pPrivateKey(generateIdentity()))
    expect(formatLine('dial %p failed - %e', [peer, new TypeError('boom')])).toBe(
      `dial ${peer.toString()} failed - TypeError: boom`,
    )
    expect(formatLine('%d%% of %b', [50, new Uint8Array([0, 1])])).toBe('50% of 12')
    expect(formatLine('left', [{ a: 1 }])).toBe('left {"a":1}')
  })

  it('opens the components DEBUG names down to debug, as libp2p reads the variable', () => {
    expect(debugNamed('tokenim:dm', 'tokenim:*')).toBe(true)
    expect(debugNamed('libp2p:dialer', 'tokenim:*')).toBe(false)
    expect(debugNamed('tokenim:dm', 'libp2p:*, tokenim:dm')).toBe(true)
    expect(debugNamed('tokenim:dm', 'tokenim:*,-tokenim:dm')).toBe(false)
    expect(debugNamed('tokenim:dm', '')).toBe(false)

    const previous = process.env.DEBUG
    process.env.DEBUG = 'tokenim:relay'
    try {
      const out = lines()
      const logger = hostLogger(createNodeLogger({ level: 'info', destination: out }))
      logger.forComponent('tokenim:relay')('dialing %s', 'r1')
      logger.forComponent('tokenim:dm')('hidden')
      expect(out.entries).toEqual([
        expect.objectContaining({ level: 20, component: 'tokenim:relay', msg: 'dialing r1' }),
      ])
    } finally {
      if (previous == null) delete process.env.DEBUG
      else process.env.DEBUG = previous
    }
  })
})
