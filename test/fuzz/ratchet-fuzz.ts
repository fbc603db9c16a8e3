/**
 * Interaction fuzzing of SessionRatchet ends between two accounts of two devices each (alice's
 * laptop and phone, bob's laptop and phone): every device runs its own session with every
 * other, as multi-device messaging does (doc/accounts.md), and a text goes to every other
 * device as one ciphertext per session (the fan-out and the own-device copy). A seeded PRNG
 * decides who sends, which message in flight is delivered next (reordering), which is lost,
 * which is delivered again, which arrives altered, which is handed to the wrong device of the
 * right account, and when a device restarts from its serialized sessions. Every fresh delivery
 * must decrypt to exactly what was sent; every duplicate, altered copy and misdelivered one
 * must be refused with a protocol error and leave the receiver's state byte for byte unchanged.
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
  /** Ciphertexts made: a text goes to every other device of both accounts, one per session. */
  sent: number
  delivered: number
  dropped: number
  duplicatesRefused: number
  alteredRefused: number
  /** Ciphertexts handed to another device of the account they were for, and refused there. */
  misdeliveredRefused: number
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

/** Two accounts of two devices each: every device runs its own session with every other. */
const DEVICES = ['alice:laptop', 'alice:phone', 'bob:laptop', 'bob:phone'] as const
type Device = (typeof DEVICES)[number]
const accountOf = (device: Device) => device.split(':')[0]

/** One session between two devices: the initiator holds it from the start, the responder once it accepted. */
interface Pair {
  name: string
  initiator: Device
  responder: Device
  ends: Map<Device, SessionRatchet | null>
  signedPrekey: ReturnType<typeof generateSignedPrekey>
  oneTimePrekey: ReturnType<typeof generateOneTimePrekeys>[number]
  /** Each end's peer ratchet keys in the order they first arrived, i.e. its ratchet steps. */
  ratchetKeysSeen: Map<Device, string[]>
}

interface Sent {
  id: number
  pair: Pair
  from: Device
  to: Device
  message: EncryptedMessage
  plaintext: Uint8Array
}

// Beyond this many messages in flight the driver only delivers or drops, which keeps the gap
// a receiver must skip far below MAX_SKIP.
const MAX_IN_FLIGHT = 100

export function runRatchetFuzz({ seed, steps }: RatchetFuzzOptions): RatchetFuzzReport {
  const random = seededRandom(seed)
  const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)]
  const report: RatchetFuzzReport = {
    seed,
    sent: 0,
    delivered: 0,
    dropped: 0,
    duplicatesRefused: 0,
    alteredRefused: 0,
    misdeliveredRefused: 0,
    restarts: 0,
    lostToKeyCap: 0,
  }
  const fail = (message: string): never => {
    throw new RatchetFuzzFailure(`seed ${seed}: ${message}`)
  }

  const identities = new Map(DEVICES.map((device) => [device, generateEd25519KeyPair()]))
  const pairs = new Map<string, Pair>()
  for (const [i, initiator] of DEVICES.entries()) {
    for (const responder of DEVICES.slice(i + 1)) {
      const responderIdentity = identities.get(responder)!
      const signedPrekey = generateSignedPrekey(responderIdentity, 1)
      const [oneTimePrekey] = generateOneTimePrekeys(1, 1)
      const session = SessionRatchet.initiate({
        identity: identities.get(initiator)!,
        bundle: createPrekeyBundle(responderIdentity.publicKey, signedPrekey, oneTimePrekey),
      })
      const name = pairName(initiator, responder)
      pairs.set(name, {
        name,
        initiator,
        responder,
        ends: new Map([
          [initiator, session],
          [responder, null],
        ]),
        signedPrekey,
        oneTimePrekey,
        ratchetKeysSeen: new Map([
          [initiator, []],
          [responder, []],
        ]),
      })
    }
  }
  const pairOf = (a: Device, b: Device) => pairs.get(pairName(a, b))!
  let inFlight: Sent[] = []
  const deliveredCopies: Sent[] = []
  let nextId = 0

  /** True once so many newer chains arrived that the receiver no longer remembers this one. */
  const chainForgotten = (sent: Sent): boolean => {
    const seen = sent.pair.ratchetKeysSeen.get(sent.to)!
    const current = seen.length - 1
    return seen.indexOf(ratchetKeyOf(sent.message)) < current - MAX_CLOSED_RECEIVING_CHAINS
  }

  /**
   * `from` sends a text to the other account: one ciphertext per session it holds, for each
   * device of that account and each other device of its own (the own-device copy).
   */
  const send = (from: Device) => {
    const plaintext = makePlaintext(random, seed, nextId)
    for (const to of DEVICES) {
      if (to === from) continue
      const pair = pairOf(from, to)
      const session = pair.ends.get(from)
      if (session == null) continue
      inFlight.push({
        id: nextId++,
        pair,
        from,
        to,
        message: session.encrypt(plaintext),
        plaintext,
      })
      report.sent++
    }
  }

  /** Hands a message to device `to`'s end of `pair`; accepts the session on its first one. */
  const receive = (pair: Pair, to: Device, message: EncryptedMessage): Uint8Array => {
    const session = pair.ends.get(to)
    if (session != null) return session.decrypt(message.header, message.ciphertext)
    const accepted = SessionRatchet.accept({
      identity: identities.get(to)!,
      signedPrekey: pair.signedPrekey,
      oneTimePrekey: pair.oneTimePrekey,
      header: message.header,
      ciphertext: message.ciphertext,
    })
    pair.ends.set(to, accepted.session)
    return accepted.plaintext
  }

  /** Runs a delivery that must fail, and checks the receiving end did not change. */
  const expectRefused = (
    pair: Pair,
    to: Device,
    message: EncryptedMessage,
    what: string,
  ): ProtocolError => {
    const before = pair.ends.get(to)?.serialize()
    let refusal: unknown
    try {
      receive(pair, to, message)
    } catch (err) {
      refusal = err
    }
    if (refusal == null) fail(`${what} to ${to} in ${pair.name} was accepted`)
    if (!(refusal instanceof ProtocolError)) {
      fail(`${what} to ${to} in ${pair.name} failed with a non-protocol error: ${String(refusal)}`)
    }
    const after = pair.ends.get(to)?.serialize()
    if (before == null ? after != null : after == null || !sameBytes(before, after)) {
      fail(`${what} to ${to} in ${pair.name} changed the receiver's state`)
    }
    if (
      pair.ends.get(pair.responder) == null &&
      pair.oneTimePrekey.keyPair.privateKey.every((b) => b === 0)
    ) {
      fail(`${what} to ${to} in ${pair.name} used up the one-time prekey`)
    }
    return refusal as ProtocolError
  }

  const deliverFresh = (sent: Sent) => {
    inFlight = inFlight.filter((other) => other !== sent)
    let plaintext: Uint8Array
    try {
      plaintext = receive(sent.pair, sent.to, sent.message)
    } catch (err) {
      const receiver = sent.pair.ends.get(sent.to)
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
    const seen = sent.pair.ratchetKeysSeen.get(sent.to)!
    if (!seen.includes(ratchetKeyOf(sent.message))) seen.push(ratchetKeyOf(sent.message))
    report.delivered++
  }

  /**
   * Hands a ciphertext to another device of the account it was for, on that device's session
   * with the same sender: a device key reads only what was encrypted for it.
   */
  const misdeliver = (sent: Sent) => {
    const others = DEVICES.filter(
      (device) =>
        device !== sent.to && device !== sent.from && accountOf(device) === accountOf(sent.to),
    )
    if (others.length === 0) return
    const wrong = pick(others)
    expectRefused(pairOf(sent.from, wrong), wrong, sent.message, `message ${sent.id} misdelivered`)
    report.misdeliveredRefused++
  }

  for (let step = 0; step < steps; step++) {
    const roll = random()
    const crowded = inFlight.length >= MAX_IN_FLIGHT
    if (roll < 0.25 && !crowded) {
      send(pick(DEVICES))
    } else if (roll < 0.6 && inFlight.length > 0) {
      deliverFresh(pick(inFlight))
    } else if (roll < 0.66 && inFlight.length > 0) {
      const lost = pick(inFlight)
      inFlight = inFlight.filter((other) => other !== lost)
      report.dropped++
    } else if (roll < 0.74 && deliveredCopies.length > 0) {
      const sent = pick(deliveredCopies)
      const refusal = expectRefused(sent.pair, sent.to, sent.message, `duplicate of ${sent.id}`)
      // Precise names need the key's chain to be remembered and its keys not discarded.
      const discarded = (sent.pair.ends.get(sent.to)?.discardedKeyCount ?? 0) > 0
      if (
        refusal.name !== 'DuplicateMessageError' &&
        !(discarded && refusal.name === 'StaleMessageError') &&
        !(chainForgotten(sent) && refusal.name === 'DecryptionError')
      ) {
        fail(`duplicate of message ${sent.id} was refused as ${refusal.name}, not as a duplicate`)
      }
      report.duplicatesRefused++
    } else if (roll < 0.8 && inFlight.length > 0) {
      const sent = pick(inFlight)
      expectRefused(sent.pair, sent.to, alter(sent.message, random), `altered copy of ${sent.id}`)
      report.alteredRefused++
    } else if (roll < 0.88 && inFlight.length > 0) {
      misdeliver(pick(inFlight))
    } else {
      const device = pick(DEVICES)
      // A device restarts: every session it holds comes back from its serialized state.
      for (const pair of pairs.values()) {
        const session = pair.ends.get(device)
        if (session != null) pair.ends.set(device, SessionRatchet.deserialize(session.serialize()))
      }
      report.restarts++
    }
  }
  // Whatever is still in flight arrives late, in random order, and must still be readable.
  while (inFlight.length > 0) deliverFresh(pick(inFlight))
  return report
}

function pairName(a: Device, b: Device): string {
  return DEVICES.indexOf(a) < DEVICES.indexOf(b) ? `${a}-${b}` : `${b}-${a}`
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
  const totals = {
    seeds: 0,
    sent: 0,
    delivered: 0,
    dropped: 0,
    duplicatesRefused: 0,
    misdeliveredRefused: 0,
  }
  const started = performance.now()
  for (let seed = firstSeed; seed < firstSeed + seeds; seed++) {
    const report = runRatchetFuzz({ seed, steps })
    totals.seeds++
    totals.sent += report.sent
    totals.delivered += report.delivered
    totals.dropped += report.dropped
    totals.duplicatesRefused += report.duplicatesRefused
    totals.misdeliveredRefused += report.misdeliveredRefused
    if (report.lostToKeyCap > 0) console.log(JSON.stringify(report))
  }
  const seconds = ((performance.now() - started) / 1000).toFixed(1)
  console.log(JSON.stringify({ ...totals, steps, seconds }))
}
