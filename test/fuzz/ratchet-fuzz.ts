/**
 * Interaction fuzzing of two SessionRatchet ends: a seeded PRNG decides who sends, which
 * message in flight is delivered next (reordering), which is lost, which is delivered again,
 * which arrives altered, and when a party restarts from its serialized state. Every fresh
 * delivery must decrypt to exactly what was sent; every duplicate and altered copy must be
 * refused with a protocol error and leave the receiver's state byte for byte unchanged.
 *
 * Run longer than the unit test does: `npm run fuzz:ratchet -- --seeds 200 --steps 5000`.
 */
import { generateEd25519KeyPair } from '../../protocol/crypto/index.ts'
import { ProtocolError } from '../../protocol/errors.ts'
import {
  createPrekeyBundle,
  type EncryptedMessage,
  generateOneTimePrekeys,
  generateSignedPrekey,
  MAX_CLOSED_RECEIVING_CHAINS,
  SessionRatchet,
} from '../../protocol/session/index.ts'
import { seededRandom } from '../../sim/random.ts'
import { parseFuzzArgs } from './fuzz-args.ts'

export interface RatchetFuzzOptions {
  seed: number
  steps: number
}

export interface RatchetFuzzReport {
  seed: number
  sent: number
  delivered: number
  dropped: number
  duplicatesRefused: number
  alteredRefused: number
  restarts: number
  /**
   * Fresh messages that could not be read because the receiver had discarded their skipped
   * keys to stay under MAX_SKIPPED_MESSAGE_KEYS. Only long runs with many losses reach it.
   */
  lostToKeyCap: number
}

export class RatchetFuzzFailure extends Error {
  override name = 'RatchetFuzzFailure'
}

type Party = 'alice' | 'bob'

interface Sent {
  id: number
  to: Party
  message: EncryptedMessage
  plaintext: Uint8Array
}

// Beyond this many messages in flight the driver only delivers or drops, which keeps the gap
// a receiver must skip far below MAX_SKIP.
const MAX_IN_FLIGHT = 100

export function runRatchetFuzz({ seed, steps }: RatchetFuzzOptions): RatchetFuzzReport {
  const random = seededRandom(seed)
  const pick = <T>(items: T[]): T => items[Math.floor(random() * items.length)]
  const report: RatchetFuzzReport = {
    seed,
    sent: 0,
    delivered: 0,
    dropped: 0,
    duplicatesRefused: 0,
    alteredRefused: 0,
    restarts: 0,
    lostToKeyCap: 0,
  }
  const fail = (message: string): never => {
    throw new RatchetFuzzFailure(`seed ${seed}: ${message}`)
  }

  const aliceIdentity = generateEd25519KeyPair()
  const bobIdentity = generateEd25519KeyPair()
  const signedPrekey = generateSignedPrekey(bobIdentity, 1)
  const [oneTimePrekey] = generateOneTimePrekeys(1, 1)
  const sessions: Record<Party, SessionRatchet | null> = {
    alice: SessionRatchet.initiate({
      identity: aliceIdentity,
      bundle: createPrekeyBundle(bobIdentity.publicKey, signedPrekey, oneTimePrekey),
    }),
    bob: null,
  }
  let inFlight: Sent[] = []
  const deliveredCopies: Sent[] = []
  // Each receiver's peer ratchet keys in the order they first arrived, i.e. its ratchet steps.
  const ratchetKeysSeen: Record<Party, string[]> = { alice: [], bob: [] }
  let nextId = 0

  /** True once so many newer chains arrived that the receiver no longer remembers this one. */
  const chainForgotten = (sent: Sent): boolean => {
    const seen = ratchetKeysSeen[sent.to]
    const current = seen.length - 1
    return seen.indexOf(ratchetKeyOf(sent.message)) < current - MAX_CLOSED_RECEIVING_CHAINS
  }

  const send = (from: Party) => {
    const session = sessions[from]
    if (session == null) return
    const id = nextId++
    const plaintext = makePlaintext(random, seed, id)
    inFlight.push({
      id,
      to: from === 'alice' ? 'bob' : 'alice',
      message: session.encrypt(plaintext),
      plaintext,
    })
    report.sent++
  }

  /** Hands a message to its receiver; accepts the session on Bob's first one. */
  const receive = (sent: Sent, message: EncryptedMessage): Uint8Array => {
    const session = sessions[sent.to]
    if (session != null) return session.decrypt(message.header, message.ciphertext)
    const accepted = SessionRatchet.accept({
      identity: bobIdentity,
      signedPrekey,
      oneTimePrekey,
      header: message.header,
      ciphertext: message.ciphertext,
    })
    sessions.bob = accepted.session
    return accepted.plaintext
  }

  /** Runs a delivery that must fail, and checks the receiver did not change. */
  const expectRefused = (sent: Sent, message: EncryptedMessage, what: string): ProtocolError => {
    const before = sessions[sent.to]?.serialize()
    let refusal: unknown
    try {
      receive(sent, message)
    } catch (err) {
      refusal = err
    }
    if (refusal == null) fail(`${what} of message ${sent.id} was accepted`)
    if (!(refusal instanceof ProtocolError)) {
      fail(`${what} of message ${sent.id} failed with a non-protocol error: ${String(refusal)}`)
    }
    const after = sessions[sent.to]?.serialize()
    if (before == null ? after != null : after == null || !sameBytes(before, after)) {
      fail(`${what} of message ${sent.id} changed the receiver's state`)
    }
    if (sessions.bob == null && oneTimePrekey.keyPair.privateKey.every((byte) => byte === 0)) {
      fail(`${what} of message ${sent.id} used up the one-time prekey`)
    }
    return refusal as ProtocolError
  }

  const deliverFresh = (sent: Sent) => {
    inFlight = inFlight.filter((other) => other !== sent)
    let plaintext: Uint8Array
    try {
      plaintext = receive(sent, sent.message)
    } catch (err) {
      const receiver = sessions[sent.to]
      const name = (err as Error).name
      if (
        receiver != null &&
        receiver.discardedKeyCount > 0 &&
        (name === 'StaleMessageError' || name === 'DecryptionError')
      ) {
        report.lostToKeyCap++
        return
      }
      return fail(
        `fresh message ${sent.id} to ${sent.to} was refused: ${name}: ${(err as Error).message}`,
      )
    }
    if (!sameBytes(plaintext, sent.plaintext)) fail(`message ${sent.id} decrypted to other bytes`)
    deliveredCopies.push(sent)
    const seen = ratchetKeysSeen[sent.to]
    if (!seen.includes(ratchetKeyOf(sent.message))) seen.push(ratchetKeyOf(sent.message))
    report.delivered++
  }

  for (let step = 0; step < steps; step++) {
    const roll = random()
    const crowded = inFlight.length >= MAX_IN_FLIGHT
    if (roll < 0.3 && !crowded) {
      send(sessions.bob == null || random() < 0.5 ? 'alice' : 'bob')
    } else if (roll < 0.62 && inFlight.length > 0) {
      deliverFresh(pick(inFlight))
    } else if (roll < 0.7 && inFlight.length > 0) {
      const lost = pick(inFlight)
      inFlight = inFlight.filter((other) => other !== lost)
      report.dropped++
    } else if (roll < 0.8 && deliveredCopies.length > 0) {
      const sent = pick(deliveredCopies)
      const refusal = expectRefused(sent, sent.message, 'duplicate')
      // Precise names need the key's chain to be remembered and its keys not discarded.
      const discarded = (sessions[sent.to]?.discardedKeyCount ?? 0) > 0
      if (
        refusal.name !== 'DuplicateMessageError' &&
        !(discarded && refusal.name === 'StaleMessageError') &&
        !(chainForgotten(sent) && refusal.name === 'DecryptionError')
      ) {
        fail(`duplicate of message ${sent.id} was refused as ${refusal.name}, not as a duplicate`)
      }
      report.duplicatesRefused++
    } else if (roll < 0.88 && inFlight.length > 0) {
      const sent = pick(inFlight)
      expectRefused(sent, alter(sent.message, random), 'altered copy')
      report.alteredRefused++
    } else {
      const party: Party = random() < 0.5 ? 'alice' : 'bob'
      const session = sessions[party]
      if (session != null) {
        sessions[party] = SessionRatchet.deserialize(session.serialize())
        report.restarts++
      }
    }
  }
  // Whatever is still in flight arrives late, in random order, and must still be readable.
  while (inFlight.length > 0) deliverFresh(pick(inFlight))
  return report
}

/** Flips one bit of the header or ciphertext, or cuts the ciphertext short. */
function alter(message: EncryptedMessage, random: () => number): EncryptedMessage {
  const header = Uint8Array.from(message.header)
  const ciphertext = Uint8Array.from(message.ciphertext)
  const choice = random()
  if (choice < 0.4) {
    header[Math.floor(random() * header.length)] ^= 1 << Math.floor(random() * 8)
    return { header, ciphertext }
  }
  if (choice < 0.8) {
    ciphertext[Math.floor(random() * ciphertext.length)] ^= 1 << Math.floor(random() * 8)
    return { header, ciphertext }
  }
  return { header, ciphertext: ciphertext.subarray(0, Math.floor(random() * ciphertext.length)) }
}

function makePlaintext(random: () => number, seed: number, id: number): Uint8Array {
  const label = new TextEncoder().encode(`seed ${seed} message ${id} `)
  const padding = Array.from({ length: Math.floor(random() * 64) }, () =>
    Math.floor(random() * 256),
  )
  // Now and then an empty message, the smallest case the cipher must handle.
  return random() < 0.05 ? new Uint8Array(0) : Uint8Array.of(...label, ...padding)
}

/** The sender's ratchet key, bytes 2..34 of the header, as hex. */
function ratchetKeyOf(message: EncryptedMessage): string {
  return Buffer.from(message.header.subarray(2, 34)).toString('hex')
}

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && a.every((byte, i) => byte === b[i])
}

if (import.meta.main) {
  const { firstSeed, seeds, steps } = parseFuzzArgs(process.argv.slice(2), {
    seeds: 100,
    steps: 3000,
  })
  const totals = { seeds: 0, sent: 0, delivered: 0, dropped: 0, duplicatesRefused: 0 }
  const started = performance.now()
  for (let seed = firstSeed; seed < firstSeed + seeds; seed++) {
    const report = runRatchetFuzz({ seed, steps })
    totals.seeds++
    totals.sent += report.sent
    totals.delivered += report.delivered
    totals.dropped += report.dropped
    totals.duplicatesRefused += report.duplicatesRefused
    if (report.lostToKeyCap > 0) console.log(JSON.stringify(report))
  }
  const seconds = ((performance.now() - started) / 1000).toFixed(1)
  console.log(JSON.stringify({ ...totals, steps, seconds }))
}
