/** Scenario files: defaults, durations and ranges, and errors that name the field. */
import { describe, expect, it } from 'vitest'
import { expandParticipant, parseScenario } from '../../sim/scenario/schema.ts'

const minimal = `
name: t
network: { nodes: 4 }
duration: 10s
traffic: { direct: { rate: 2 } }
`

/** The error a scenario raises, or '' when it validates. */
function message(text: string): string {
  try {
    parseScenario(text)
  } catch (err) {
    return (err as Error).message
  }
  return ''
}

describe('scenario schema', () => {
  it('fills defaults and converts durations to ms', () => {
    const scenario = parseScenario(minimal)
    expect(scenario.duration).toBe(10_000)
    expect(scenario.drain).toBe(30_000)
    expect(scenario.network).toMatchObject({ relays: 1, transport: 'memory' })
    expect(scenario.expect).toMatchObject({ allDelivered: true, exactlyOnce: true, inOrder: true })
  })

  it('expands node ranges and keeps relays', () => {
    expect(expandParticipant('2-4')).toEqual([2, 3, 4])
    expect(expandParticipant('r1')).toEqual(['r1'])
    expect(expandParticipant(7)).toEqual([7])
  })

  it('names the field of each error', () => {
    const bad = `
name: t
network: { nodes: 4, transport: carrier-pigeon }
duration: soon
traffic: { direct: { rate: -1 } }
`
    expect(() => parseScenario(bad, 'bad.yaml')).toThrowError(/network\.transport/)
    const error = (() => {
      try {
        parseScenario(bad, 'bad.yaml')
      } catch (err) {
        return err as Error
      }
    })()
    expect(error?.name).toBe('InvalidScenarioError')
    expect(error?.message).toContain('bad.yaml is not a valid scenario')
    expect(error?.message).toMatch(/duration: expected a duration/)
    expect(error?.message).toMatch(/traffic\.direct\.rate/)
  })

  it('refuses nodes, relays and times outside the network and the run', () => {
    const bad = `${minimal}
faults:
  - at: 20s
    kill: [9]
  - at: 1s
    partition: { a: ['0-1', r3], b: [2] }
`
    expect(() => parseScenario(bad)).toThrowError(
      /faults\[0\]\.at: at 20000 ms is after the traffic ends/,
    )
    expect(() => parseScenario(bad)).toThrowError(/faults\[0\]\.kill\[0\]: no node 9/)
    expect(() => parseScenario(bad)).toThrowError(/faults\[1\]\.partition\.a\[1\]: no relay r3/)
  })

  it('asks for pairs when warming up', () => {
    expect(() => parseScenario(minimal.replace('rate: 2', 'rate: 2, warmUp: true'))).toThrowError(
      /traffic\.direct\.warmUp: warmUp needs "pairs"/,
    )
  })

  it('says what a fault may be when it is none of them', () => {
    expect(() => parseScenario(`${minimal}\nfaults: [{ at: 1s, explode: true }]`)).toThrowError(
      /faults\[0\]: a fault is "at" plus exactly one of kill, restart, partition/,
    )
  })

  it('takes shards on TCP, and refuses them on memory or with latency and loss', () => {
    const sharded = minimal.replace('{ nodes: 4 }', '{ nodes: 4, shards: 2, transport: tcp }')
    expect(parseScenario(sharded).network).toMatchObject({ shards: 2, transport: 'tcp' })
    expect(parseScenario(minimal).network.shards).toBe(1)
    expect(() =>
      parseScenario(minimal.replace('{ nodes: 4 }', '{ nodes: 4, shards: 2 }')),
    ).toThrowError(/network\.transport: 2 shards are separate processes.*set transport: tcp/)
    expect(() =>
      parseScenario(minimal.replace('{ nodes: 4 }', '{ nodes: 4, shards: 5, transport: tcp }')),
    ).toThrowError(/network\.shards: 5 shards for 4 nodes/)
    expect(() =>
      parseScenario(`${sharded}\nfaults: [{ at: 1s, loss: 0.1 }, { at: 1s, latency: { ms: 5 } }]`),
    ).toThrowError(
      /faults\[0\]\.loss: latency and loss are simulated on the memory transport only.*faults\[1\]\.latency/,
    )
  })

  it('reports YAML that does not parse', () => {
    expect(() => parseScenario('name: [unclosed', 'x.yaml')).toThrowError(
      /x\.yaml is not valid YAML/,
    )
  })
})

describe('scenario fault checks', () => {
  const withFaults = (faults: string) => `${minimal}\nfaults:\n${faults}`

  it('refuses a node or relay on both sides of a partition', () => {
    const text = message(withFaults("  - at: 1s\n    partition: { a: ['0-2', r0], b: [3, 1, r0] }"))
    expect(text).toMatch(/faults\[0\]\.partition\.b\[1\]: node 1 is on both sides .*also a\[0\]/)
    expect(text).toMatch(/faults\[0\]\.partition\.b\[2\]: relay r0 is on both sides/)
    expect(text).not.toMatch(/b\[0\]/)
    expect(() =>
      parseScenario(withFaults("  - at: 1s\n    partition: { a: ['0-1'], b: ['2-3', r0] }")),
    ).not.toThrow()
  })

  it('gives one error for a range past the end, and refuses a backwards range', () => {
    const text = message(withFaults("  - at: 1s\n    partition: { a: ['0-999'], b: ['3-2'] }"))
    expect(text.match(/past the last node/g)).toHaveLength(1)
    expect(text).toMatch(
      /partition\.a\[0\]: range 0-999 goes past the last node: network\.nodes is 4/,
    )
    expect(text).toMatch(/partition\.b\[0\]: range 3-2 runs backwards/)
  })

  it('plays kills and restarts in time order', () => {
    const early = message(
      withFaults(
        '  - at: 5s\n    kill: [1]\n  - at: 2s\n    restart: [1]\n  - at: 6s\n    kill: [1]',
      ),
    )
    expect(early).toMatch(/faults\[1\]\.restart\[0\]: node 1 is running at 2000 ms/)
    expect(early).toMatch(
      /faults\[2\]\.kill\[0\]: node 1 is already down at 6000 ms \(killed at 5000 ms\)/,
    )
    expect(() =>
      parseScenario(
        withFaults(
          '  - at: 1s\n    kill: [1, 2]\n  - at: 3s\n    restart: [2, 1]\n  - at: 4s\n    kill: [1]',
        ),
      ),
    ).not.toThrow()
  })
})

describe('shards on other machines', () => {
  const network = (remote: string, rest = 'shards: 3, transport: tcp') =>
    minimal.replace('{ nodes: 4 }', `{ nodes: 4, ${rest}, remote: ${remote} }`)

  it('takes remote shards counted in shards, with an address the shards reach', () => {
    const scenario = parseScenario(network('{ shards: 2, listen: 20.0.0.10:7400 }'))
    expect(scenario.network.remote).toEqual({
      shards: 2,
      listen: '20.0.0.10:7400',
      joinTimeout: 120_000,
    })
    expect(
      parseScenario(network('{ shards: 1, listen: /run/sim.sock, host: 10.1.0.1 }')).network.remote
        ?.host,
    ).toBe('10.1.0.1')
  })

  it('refuses more remote shards than shards, memory transport, and no address', () => {
    expect(() => parseScenario(network('{ shards: 4, listen: 20.0.0.10:7400 }'))).toThrowError(
      /network\.remote\.shards: 4 remote shards but network\.shards is 3/,
    )
    expect(() =>
      parseScenario(network('{ shards: 1, listen: 20.0.0.10:7400 }', 'shards: 3')),
    ).toThrowError(/network\.transport: shards on other machines reach the others over TCP/)
    expect(() =>
      parseScenario(network('{ shards: 1, listen: 0.0.0.0:7400, host: 10.1.0.1 }')),
    ).not.toThrow()
    for (const listen of ['0.0.0.0:7400', 'coordinator:7400']) {
      expect(() => parseScenario(network(`{ shards: 1, listen: ${listen} }`))).toThrowError(
        /network\.remote\.host: the address of this machine the shards reach is needed/,
      )
    }
    expect(() => parseScenario(network('{ shards: 1, listen: nowhere }'))).toThrowError(
      /network\.remote\.listen: "nowhere" is not a coordinator address/,
    )
  })
})

describe('homes behind NAT', () => {
  const withHomes = (homes: string, rest = 'transport: tcp') =>
    minimal.replace('{ nodes: 4 }', `{ nodes: 4, ${rest}, nat: { homes: ${homes} } }`)

  it('takes homes of nodes, port-preserving by default', () => {
    const scenario = parseScenario(
      withHomes("[{ nodes: ['0-1'] }, { nodes: [2], nat: symmetric }]"),
    )
    expect(scenario.network.nat?.homes).toEqual([
      { nodes: ['0-1'], nat: 'port-preserving' },
      { nodes: [2], nat: 'symmetric' },
    ])
  })

  it('refuses a node in two homes, a relay in a home, memory transport and shards', () => {
    const text = message(withHomes("[{ nodes: ['0-2'] }, { nodes: [3, 1, r0] }]"))
    expect(text).toMatch(/network\.nat\.homes\[1\]\.nodes\[1\]: node 1 is already in homes\[0\]/)
    expect(text).toMatch(/network\.nat\.homes\[1\]\.nodes\[2\]: relays sit on public hosts/)
    expect(message(withHomes('[{ nodes: [0] }]', 'transport: memory'))).toMatch(
      /network\.transport: homes behind NAT reach the rest over TCP/,
    )
    expect(message(withHomes('[{ nodes: [0] }]', 'transport: tcp, shards: 2'))).toMatch(
      /network\.nat: a network behind NAT has one shard per home/,
    )
  })
})
