/**
 * CPU profiles of this process through the inspector, summed up: where the busy time went by
 * area (a folder of ours, or an npm package), by the innermost package on the stack (who
 * asked Node or V8 for the work), by what started it (the outermost of our folders, e.g. a
 * mailbox timer, else the outermost package, e.g. a socket read), and the hottest functions.
 */
import { Session } from 'node:inspector/promises'
import { relative, sep } from 'node:path'
import { fileURLToPath } from 'node:url'
import { delay } from './host-pool.ts'

export interface ProfileShare {
  name: string
  ms: number
  percentOfBusy: number
}

export interface ProfileSummary {
  totalMs: number
  busyPercentOfOneCore: number
  byArea: ProfileShare[]
  byCaller: ProfileShare[]
  startedBy: ProfileShare[]
  functions: ProfileShare[]
}

/** Records this process for `ms` (1 ms sampling) and returns the profile. */
export async function recordProfile(ms: number): Promise<CpuProfile> {
  const session = new Session()
  session.connect()
  try {
    await session.post('Profiler.enable')
    await session.post('Profiler.setSamplingInterval', { interval: 1_000 })
    await session.post('Profiler.start')
    await delay(ms)
    const { profile } = (await session.post('Profiler.stop')) as { profile: CpuProfile }
    return profile
  } finally {
    session.disconnect()
  }
}

interface ProfileNode {
  id: number
  callFrame: { functionName: string; url: string; lineNumber: number }
  parent?: number
  children?: number[]
}

export interface CpuProfile {
  nodes: ProfileNode[]
  samples: number[]
  timeDeltas: number[]
}

const root = fileURLToPath(new URL('..', import.meta.url))
/** Our folders that own timers and protocols: the product areas a sample is charged to. */
const PRODUCT_AREA = /^(node|relay|sim)\/([^/]+)\//

/** `node/mailbox`, `@libp2p/gossipsub`, `node:streams`, `(garbage collector)`... */
function areaOf(url: string, functionName: string): string {
  if (url === '') return functionName.startsWith('(') ? functionName : '(native)'
  if (url.startsWith('node:')) return url.replace(/^node:(internal\/)?([^/]+).*$/, 'node:$2')
  const path = url.startsWith('file://') ? fileURLToPath(url) : url
  const modules = path.lastIndexOf(`node_modules${sep}`)
  if (modules >= 0) {
    const [scope, name] = path.slice(modules + 13).split(sep)
    return scope.startsWith('@') ? `${scope}/${name}` : scope
  }
  const own = relative(root, path).split(sep).join('/')
  const match = PRODUCT_AREA.exec(own)
  if (match != null) return `${match[1]}/${match[2]}`
  return own.includes('/') ? own.slice(0, own.lastIndexOf('/')) : own
}

/** Where a profile's busy time went, by area, by caller, by starter and by function. */
export function summarizeProfile(profile: CpuProfile): ProfileSummary {
  const byId = new Map(profile.nodes.map((node) => [node.id, node]))
  for (const node of profile.nodes) {
    for (const child of node.children ?? []) byId.get(child)!.parent = node.id
  }
  const self = new Map<string, number>()
  const startedBy = new Map<string, number>()
  const functions = new Map<string, number>()
  const callers = new Map<string, number>()
  const add = (map: Map<string, number>, key: string, ms: number) =>
    map.set(key, (map.get(key) ?? 0) + ms)
  let totalMs = 0
  let idleMs = 0
  profile.samples.forEach((id, i) => {
    const ms = (profile.timeDeltas[i] ?? 0) / 1_000
    const leaf = byId.get(id)!
    const { functionName, url, lineNumber } = leaf.callFrame
    // The profiler's own start and stop are not the nodes' work.
    if (url === 'node:inspector') return
    totalMs += ms
    if (functionName === '(idle)') {
      idleMs += ms
      return
    }
    add(self, areaOf(url, functionName), ms)
    const where = url === '' ? '' : ` ${areaOf(url, functionName)}:${lineNumber + 1}`
    add(functions, `${functionName || '(anonymous)'}${where}`, ms)
    // Up the stack: the innermost package or folder of ours (who asked Node for this work),
    // and the outermost (the timer, handler or socket read that began it), preferring ours.
    let caller: string | undefined
    let outermost: string | undefined
    let ours: string | undefined
    for (let node: ProfileNode | undefined = leaf; node != null; node = byId.get(node.parent!)) {
      if (node.callFrame.url !== '' && !node.callFrame.url.startsWith('node:')) {
        const area = areaOf(node.callFrame.url, node.callFrame.functionName)
        caller ??= area
        outermost = area
        if (PRODUCT_AREA.test(`${area}/`)) ours = area
      }
      if (node.parent == null) break
    }
    add(callers, caller ?? '(Node or V8 only)', ms)
    add(startedBy, ours ?? outermost ?? '(Node or V8 only)', ms)
  })
  const busyMs = totalMs - idleMs
  const top = (map: Map<string, number>, count: number) =>
    [...map.entries()]
      .sort((a, b) => b[1] - a[1])
      .slice(0, count)
      .map(([name, ms]) => ({
        name,
        ms: Math.round(ms),
        percentOfBusy: Math.round((ms / busyMs) * 1_000) / 10,
      }))
  return {
    totalMs: Math.round(totalMs),
    busyPercentOfOneCore: Math.round((busyMs / totalMs) * 1_000) / 10,
    byArea: top(self, 20),
    byCaller: top(callers, 15),
    startedBy: top(startedBy, 15),
    functions: top(functions, 20),
  }
}

/** The summary as tables on stdout. */
export function printProfileSummary(summary: ProfileSummary, count = 20): void {
  console.log(`busy ${summary.busyPercentOfOneCore}% of one core`)
  console.log('self time by area:')
  console.table(summary.byArea.slice(0, count))
  console.log('self time by the innermost package or folder of ours on the stack:')
  console.table(summary.byCaller.slice(0, count))
  console.log('work by what started it (our outermost folder, else the outermost package):')
  console.table(summary.startedBy.slice(0, count))
  console.log('hottest functions (self time):')
  console.table(summary.functions.slice(0, count))
}
