/**
 * Pieces for unit tests of node/rooms: rooms built with the pure protocol code, a store that
 * records (or refuses) writes, and a logger that keeps its lines. No network, no disk.
 */
import type { Logger } from '@libp2p/interface'
import type { RoomWrite } from '../../node/rooms/room-store.ts'
import {
  DEVICE_CAPABILITIES_ALL,
  signDeviceCertificate,
  signDeviceList,
} from '../../protocol/accounts/index.ts'
import { toHex } from '../../protocol/bytes.ts'
import { type Ed25519KeyPair, generateEd25519KeyPair } from '../../protocol/crypto/index.ts'
import {
  buildMessage,
  createRoom,
  RoomLog,
  type SenderKeyChain,
  type SignedRoomEvent,
} from '../../protocol/rooms/index.ts'

export interface Member {
  key: Ed25519KeyPair
  hex: string
}

export function member(): Member {
  const key = generateEd25519KeyPair()
  return { key, hex: toHex(key.publicKey) }
}

/** A fresh room owned by `owner`, with its log. */
export function newRoom(owner: Member, inviteOnly = false) {
  const created = createRoom(owner.key, 'Lunch club', inviteOnly)
  return { ...created, log: new RoomLog(created.genesis) }
}

/** A logger that keeps what it is given, errors apart. */
export function recordingLogger(): Logger & { lines: string[]; errors: string[] } {
  const lines: string[] = []
  const errors: string[] = []
  const log = Object.assign(
    (format: string, ...args: unknown[]) => lines.push(fill(format, args)),
    {
      error: (format: string, ...args: unknown[]) => errors.push(fill(format, args)),
      trace: () => undefined,
      enabled: false,
      lines,
      errors,
    },
  )
  return log as unknown as Logger & { lines: string[]; errors: string[] }
}

function fill(format: string, args: unknown[]): string {
  let i = 0
  return format.replace(/%[spdo]/g, () => String(args[i++]))
}

/** A RoomStore stand-in: keeps every batch; a batch holding a key in `failing` is refused. */
export class RecordingStore {
  readonly batches: RoomWrite[][] = []
  readonly failing = new Set<string>()
  /** A batch holding one of these keys waits until its promise resolves. */
  readonly held = new Map<string, Promise<void>>()

  /** Holds batches with `key` until the returned function is called. */
  hold(key: string): () => void {
    let release = () => {}
    this.held.set(
      key,
      new Promise((resolve) => {
        release = resolve
      }),
    )
    return release
  }

  async write(operations: RoomWrite[]): Promise<void> {
    for (const op of operations) await this.held.get(op.key)
    if (operations.some((op) => this.failing.has(op.key))) throw new Error('disk full')
    this.batches.push(operations)
  }

  keys(): string[] {
    return this.batches.flat().map((op) => op.key)
  }
}

/** `account`'s signed list `version` naming `devices` (the account key first, as device 1). */
export function deviceList(
  account: Ed25519KeyPair,
  version: number,
  devices: Ed25519KeyPair[],
  nextRecovery: Uint8Array = new Uint8Array(0),
) {
  return signDeviceList(account, {
    version,
    devices: [account, ...devices].map((device, i) =>
      signDeviceCertificate(account, {
        device: device.publicKey,
        name: `device ${i}`,
        createdMs: 1,
        capabilities: DEVICE_CAPABILITIES_ALL,
      }),
    ),
    revoked: [],
    nextRecovery,
  })
}

/**
 * `device`'s next message after `last`, signed with its next seq but linked only to `after`:
 * it sorts before anything that came after `after` (an event written "in the past").
 */
export function backdatedMessage(
  device: Ed25519KeyPair,
  log: RoomLog,
  chain: SenderKeyChain,
  last: SignedRoomEvent,
  after: SignedRoomEvent,
): SignedRoomEvent {
  const place = {
    roomId: log.roomId,
    nextEventFields: () => ({
      seq: last.event.seq + 1,
      lamport: after.event.lamport + 1,
      deps: [after.id],
    }),
  } as unknown as RoomLog
  return buildMessage(device, place, chain, 'backdated')
}
