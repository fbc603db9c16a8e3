/**
 * A hostile peer's attacks, for the hostile-peer tests and the attack benchmark: endless
 * 0xff length prefixes on fresh streams, one after the other, each as soon as the target
 * reset the last.
 */
import type { Libp2p, PeerId, Stream } from '@libp2p/interface'
import { withTimeout } from './wait.ts'

const MIB = 1024 * 1024
/** Dials refused for this long in a row: the target refuses for good, and the attack fails. */
const REFUSALS_LAST_MS = 10_000

export interface AttackReport {
  /** Bytes of 0xff the attacker handed its streams. */
  pushed: number
  streams: number
  /** Dials that failed: the target closed the connection or refused a new one. */
  refusedDials: number
  /** Connections the attacker went through (the target closes those of a peer it penalises). */
  connections: number
  /** Longest time from a stream's opening to its reset. */
  slowestResetMs: number
}

/**
 * Opens streams on `protocol` to `target` one after the other, pushing 0xff into each until
 * it is reset, until `until` settles; `onReset` hears the running report after each reset.
 */
export async function floodPrefixes(
  host: Libp2p,
  target: PeerId,
  protocol: string,
  until: Promise<unknown>,
  onReset: (report: AttackReport) => void,
  /** An attacker's uplink: at most this many bytes a second (unbounded if not given). */
  bytesPerSecond = Number.POSITIVE_INFINITY,
): Promise<AttackReport> {
  const started = performance.now()
  let stop = false
  void until.finally(() => {
    stop = true
  })
  const chunk = new Uint8Array(64 * 1024).fill(0xff)
  const report: AttackReport = {
    pushed: 0,
    streams: 0,
    refusedDials: 0,
    connections: 0,
    slowestResetMs: 0,
  }
  const connections = new Set<string>()
  let refusedSince: number | undefined
  while (!stop) {
    let stream: Stream
    try {
      stream = await host.dialProtocol(target, protocol)
      refusedSince = undefined
    } catch (err) {
      // The target closed the connection (a penalty), or refuses to take a new one so soon
      // (its connections per address and second): drop what is left of it and dial again,
      // as an attacker would, for as long as a refusal lasts, which is not long.
      report.refusedDials++
      refusedSince ??= performance.now()
      if (performance.now() - refusedSince > REFUSALS_LAST_MS) throw err
      await host.hangUp(target).catch(() => undefined)
      continue
    }
    const opened = performance.now()
    report.streams++
    for (const connection of host.getConnections(target)) connections.add(connection.id)
    report.connections = connections.size
    const closed = new Promise<void>((resolve) => stream.addEventListener('close', () => resolve()))
    try {
      // At most 16 MiB a stream: before the fix, one stream took all of it.
      for (let sent = 0; stream.status === 'open' && sent < 16 * MIB; sent += chunk.length) {
        report.pushed += chunk.length
        const aheadMs = (report.pushed / bytesPerSecond) * 1000 - (performance.now() - started)
        if (aheadMs > 0) await new Promise((resolve) => setTimeout(resolve, aheadMs))
        if (!stream.send(chunk)) await Promise.race([stream.onDrain(), closed])
      }
    } catch {
      // Reset under our feet.
    }
    await withTimeout(closed, 5_000, `the target resetting a ${protocol} stream`)
    report.slowestResetMs = Math.max(report.slowestResetMs, performance.now() - opened)
    onReset(report)
  }
  return report
}
