/**
 * Session ratchet throughput against the bare cipher it is built on. Each figure is one
 * 1 KiB message encrypted by one party and decrypted by the other; the baseline is one
 * AES-256-GCM encrypt + decrypt of the same payload (protocol/crypto), in alternating rounds.
 */
import {
  aeadDecrypt,
  aeadEncrypt,
  generateEd25519KeyPair,
  randomBytes,
} from '../protocol/crypto/index.ts'
import {
  createPrekeyBundle,
  generateSignedPrekey,
  SessionRatchet,
} from '../protocol/session/index.ts'
import { type Benchmark, type BenchmarkFigure, compareRates } from './measure.ts'

const PAYLOAD_BYTES = 1024

/** Two sessions that have each sent and received, as in an ongoing conversation. */
function establishedPair(): { alice: SessionRatchet; bob: SessionRatchet } {
  const bobIdentity = generateEd25519KeyPair()
  const signedPrekey = generateSignedPrekey(bobIdentity, 1)
  const alice = SessionRatchet.initiate({
    identity: generateEd25519KeyPair(),
    bundle: createPrekeyBundle(bobIdentity.publicKey, signedPrekey),
  })
  const first = alice.encrypt(new Uint8Array(1))
  const { session: bob } = SessionRatchet.accept({ identity: bobIdentity, signedPrekey, ...first })
  const reply = bob.encrypt(new Uint8Array(1))
  alice.decrypt(reply.header, reply.ciphertext)
  return { alice, bob }
}

const benchmark: Benchmark = {
  name: 'ratchet',
  async run() {
    const payload = randomBytes(PAYLOAD_BYTES)
    const key = randomBytes(32)
    const baselineName = 'AES-256-GCM encrypt + decrypt, 1 KiB (protocol/crypto)'
    const rawCipher = () => {
      const nonce = randomBytes(12)
      return aeadDecrypt(key, nonce, aeadEncrypt(key, nonce, payload))
    }
    const figure = (name: string, subject: () => unknown): BenchmarkFigure => {
      const rates = compareRates(subject, rawCipher)
      return {
        name,
        value: rates.subject,
        unit: 'msg/s',
        baseline: { name: baselineName, value: rates.baseline },
      }
    }

    const oneWay = establishedPair()
    // Every message changes direction, so each costs a DH ratchet step on both sides.
    const chat = establishedPair()
    let turn = 0
    // What a node does per message: both ends persist their state after each operation.
    const persisted = establishedPair()

    return [
      figure('ratchet encrypt + decrypt, 1 KiB, one direction', () => {
        const message = oneWay.alice.encrypt(payload)
        return oneWay.bob.decrypt(message.header, message.ciphertext)
      }),
      figure('ratchet encrypt + decrypt, 1 KiB, direction changes every message', () => {
        const [from, to] = turn++ % 2 === 0 ? [chat.alice, chat.bob] : [chat.bob, chat.alice]
        const message = from.encrypt(payload)
        return to.decrypt(message.header, message.ciphertext)
      }),
      figure('ratchet encrypt + decrypt + serialize both states, 1 KiB', () => {
        const message = persisted.alice.encrypt(payload)
        persisted.alice.serialize()
        const plaintext = persisted.bob.decrypt(message.header, message.ciphertext)
        persisted.bob.serialize()
        return plaintext
      }),
    ]
  },
}

export default benchmark
