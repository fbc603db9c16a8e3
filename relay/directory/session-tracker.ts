/**
 * The newest session of each identity: a signed-in node announces its session on a stream
 * of its own and keeps that stream open; when a newer session of the same identity
 * announces itself, the older one gets a relay-signed notice on its stream ("signed in
 * elsewhere") and the stream is closed. An announcement older than the newest one gets
 * that notice as its answer.
 *
 * How it is kept: announcements of one identity are handled one at a time under its lock
 * (`a:<owner>`); counters only move forward; the newest announcement is kept in LevelDB
 * (unsynced: losing it in a crash only delays a notice), so a restarted relay still
 * refuses older sessions; only sessions whose stream is open stay in memory.
 */
import type { Logger, Stream } from '@libp2p/interface'
import type { FramedStream } from '../../network/index.ts'
import { bytesEqual } from '../../protocol/bytes.ts'
import type { Ed25519KeyPair } from '../../protocol/crypto/index.ts'
import { wireBytes } from '../../protocol/directory.ts'
import { DirectoryRequestError } from '../../protocol/directory-errors.ts'
import { DirectoryResponse } from '../../protocol/proto/directory.ts'
import { openSessionAnnouncement, signSessionNotice } from '../../protocol/session-records.ts'
import type { Admission } from './admission.ts'
import type { Caller } from './caller.ts'
import type { KeyedMutex } from './keyed-mutex.ts'
import type { NameStore } from './name-store.ts'

/** The stream a session announced itself on, kept open for its notice. */
export interface SessionChannel {
  lp: FramedStream
  stream: Stream
}

interface Session {
  counter: bigint
  announcement: Uint8Array
  channel?: SessionChannel
}

export interface SessionTrackerContext {
  names: NameStore
  relayKey: Ed25519KeyPair
  admission: Admission
  /** Shared with name claims, whose keys (`s:`, `o:`, `i:`) never meet these (`a:`). */
  locks: KeyedMutex
  /** Telling an older session it was replaced must finish within this. */
  requestTimeoutMs: number
  log: Logger
}

export class SessionTracker {
  private readonly context: SessionTrackerContext
  private readonly sessions = new Map<string, Session>()

  constructor(context: SessionTrackerContext) {
    this.context = context
  }

  /**
   * Keeps only the newest announcement per identity. The stream of the newest session stays
   * open: when a newer one arrives, the older session gets a signed notice on it. An older
   * announcement (a session that was already replaced) gets the notice as its answer.
   */
  async announce(
    caller: Caller,
    bytes: Uint8Array,
    channel: SessionChannel,
    signal: AbortSignal,
  ): Promise<void> {
    this.context.admission.admit(caller, 'update')
    let announcement: ReturnType<typeof openSessionAnnouncement>
    try {
      announcement = openSessionAnnouncement(bytes)
    } catch (err) {
      throw new DirectoryRequestError(`the announcement does not verify: ${(err as Error).message}`)
    }
    if (!bytesEqual(announcement.publicKey, caller.publicKey)) {
      throw new DirectoryRequestError('an announcement must come from the identity it announces')
    }
    const reply = await this.context.locks.runExclusive([`a:${caller.owner}`], async () => {
      const current = await this.currentSession(caller.owner)
      if (current != null && current.counter > announcement.counter) {
        return {
          announcement: current.announcement,
          sessionNotice: this.notice(current, announcement.counter),
        }
      }
      const previous = current?.channel
      this.sessions.set(caller.owner, {
        counter: announcement.counter,
        announcement: bytes,
        channel,
      })
      if (current == null || current.counter < announcement.counter) {
        await this.context.names.putAnnouncement(caller.owner, bytes)
        if (previous != null && current != null) {
          void this.tellSuperseded(
            previous,
            this.notice({ counter: announcement.counter, announcement: bytes }, current.counter),
          )
        }
      }
      return undefined
    })
    if (reply != null) {
      await channel.lp.write(
        DirectoryResponse.encode({
          announcement: wireBytes(reply.announcement),
          sessionNotice: wireBytes(reply.sessionNotice),
        }),
        { signal },
      )
      await channel.stream.close({ signal })
      return
    }
    await channel.lp.write(DirectoryResponse.encode({ accepted: true }), { signal })
    // Only live sessions stay in memory; the newest announcement is in LevelDB for later.
    channel.stream.addEventListener('close', () => {
      const session = this.sessions.get(caller.owner)
      if (session?.channel?.stream === channel.stream) this.sessions.delete(caller.owner)
    })
  }

  /** Aborts every session's stream (the relay is stopping) and forgets them. */
  closeAll(reason: Error): void {
    for (const session of this.sessions.values()) session.channel?.stream.abort(reason)
    this.sessions.clear()
  }

  private async currentSession(owner: string): Promise<Session | undefined> {
    const known = this.sessions.get(owner)
    if (known != null) return known
    const stored = await this.context.names.announcementOf(owner)
    if (stored == null) return undefined
    const session = { counter: openSessionAnnouncement(stored).counter, announcement: stored }
    this.sessions.set(owner, session)
    return session
  }

  private notice(
    newest: Pick<Session, 'announcement' | 'counter'>,
    supersededCounter: bigint,
  ): Uint8Array {
    const { relayKey } = this.context
    return signSessionNotice(relayKey, {
      announcement: newest.announcement,
      relayPublicKey: relayKey.publicKey,
      supersededCounter,
    })
  }

  private async tellSuperseded(channel: SessionChannel, notice: Uint8Array): Promise<void> {
    const signal = AbortSignal.timeout(this.context.requestTimeoutMs)
    try {
      await channel.lp.write(DirectoryResponse.encode({ sessionNotice: wireBytes(notice) }), {
        signal,
      })
      await channel.stream.close({ signal })
    } catch (err) {
      this.context.log('could not tell the older session it was replaced - %e', err)
      channel.stream.abort(err as Error)
    }
  }
}
