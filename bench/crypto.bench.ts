/**
 * The primitives in protocol/crypto beside node:crypto called directly with pre-imported
 * KeyObjects (the floor for our wrappers' overhead), and @noble/ed25519 beside node:crypto
 * (why hot-path sign and verify go through node:crypto), and a record sealed at rest beside
 * the one AES-GCM call it makes (what the sealing layer adds per record).
 */
import {
  createCipheriv,
  createSecretKey,
  diffieHellman,
  generateKeyPairSync,
  hkdfSync,
  type KeyObject,
  sign,
  verify,
} from 'node:crypto'
import * as ed from '@noble/ed25519'
import { sha512 } from '@noble/hashes/sha2.js'
import { generateIdentity } from '../node/identity/index.ts'
import { SealedRecords } from '../node/record-level.ts'
import {
  aeadEncrypt,
  ed25519Sign,
  ed25519Verify,
  hkdfSha256,
  randomBytes,
  x25519,
} from '../protocol/crypto/index.ts'
import { type Benchmark, type BenchmarkFigure, compareRates } from './measure.ts'

ed.hashes.sha512 = sha512

const MESSAGE_SIZE = 128
/** A history record of a short text, as messaging stores it. */
const RECORD_SIZE = 340

/** The raw 32-byte private and public keys of a node:crypto key pair, beside the KeyObjects. */
function keyPair(type: 'ed25519' | 'x25519') {
  const { privateKey, publicKey } = generateKeyPairSync(type as 'ed25519')
  const jwk = privateKey.export({ format: 'jwk' })
  return {
    privateKey,
    publicKey,
    rawPrivate: new Uint8Array(Buffer.from(jwk.d as string, 'base64url')),
    rawPublic: new Uint8Array(Buffer.from(jwk.x as string, 'base64url')),
  }
}

function figure(
  name: string,
  baselineName: string,
  subject: () => unknown,
  baseline: () => unknown,
): BenchmarkFigure {
  const rates = compareRates(subject, baseline)
  return {
    name,
    value: rates.subject,
    unit: 'ops/s',
    baseline: { name: baselineName, value: rates.baseline },
  }
}

const benchmark: Benchmark = {
  name: 'crypto',
  async run() {
    const message = randomBytes(MESSAGE_SIZE)
    const signer = keyPair('ed25519')
    const signature = ed25519Sign(signer.rawPrivate, message)
    const nodeSign = (key: KeyObject) => () => sign(null, message, key)
    const nodeVerify = (key: KeyObject) => () => verify(null, message, key, signature)

    const alice = keyPair('x25519')
    const bob = keyPair('x25519')

    const inputKeyMaterial = randomBytes(32)
    const salt = randomBytes(32)
    const info = new TextEncoder().encode('tokenim bench')

    const aeadKey = randomBytes(32)
    // A fixed nonce is fine here: nothing is kept, and GCM's cost does not depend on it.
    const nonce = randomBytes(12)
    const plaintext = randomBytes(1024)
    const record = randomBytes(RECORD_SIZE)
    const records = new SealedRecords(generateIdentity(), 'messaging')
    const recordKey = `h/*x${'A'.repeat(64)}/000000000001`
    const recordAad = new TextEncoder().encode(`messaging\0${recordKey}`)
    const recordCipherKey = createSecretKey(aeadKey)

    return [
      figure(
        `Ed25519 sign, ${MESSAGE_SIZE} B (protocol/crypto)`,
        'node:crypto sign, pre-imported KeyObject',
        () => ed25519Sign(signer.rawPrivate, message),
        nodeSign(signer.privateKey),
      ),
      figure(
        `Ed25519 verify, ${MESSAGE_SIZE} B (protocol/crypto)`,
        'node:crypto verify, pre-imported KeyObject',
        () => ed25519Verify(signer.rawPublic, message, signature),
        nodeVerify(signer.publicKey),
      ),
      figure(
        'X25519 shared secret (protocol/crypto)',
        'node:crypto diffieHellman, pre-imported KeyObjects',
        () => x25519(alice.rawPrivate, bob.rawPublic),
        () => diffieHellman({ privateKey: alice.privateKey, publicKey: bob.publicKey }),
      ),
      figure(
        'HKDF-SHA256, 32 B out (protocol/crypto)',
        'node:crypto hkdfSync',
        () => hkdfSha256(inputKeyMaterial, salt, info, 32),
        () => hkdfSync('sha256', inputKeyMaterial, salt, info, 32),
      ),
      figure(
        'AES-256-GCM encrypt, 1 KiB (protocol/crypto)',
        'node:crypto createCipheriv',
        () => aeadEncrypt(aeadKey, nonce, plaintext),
        () => {
          const cipher = createCipheriv('aes-256-gcm', aeadKey, nonce)
          cipher.update(plaintext)
          cipher.final()
          return cipher.getAuthTag()
        },
      ),
      figure(
        `seal a ${RECORD_SIZE} B record at rest (SealedRecords.encode)`,
        'node:crypto AES-256-GCM, pre-imported KeyObject, same associated data',
        () => records.encode(recordKey, record),
        () => {
          const cipher = createCipheriv('aes-256-gcm', recordCipherKey, nonce)
          cipher.setAAD(recordAad)
          cipher.update(record)
          cipher.final()
          return cipher.getAuthTag()
        },
      ),
      figure(
        `@noble/ed25519 sign, ${MESSAGE_SIZE} B`,
        'node:crypto sign, pre-imported KeyObject',
        () => ed.sign(message, signer.rawPrivate),
        nodeSign(signer.privateKey),
      ),
      figure(
        `@noble/ed25519 verify, ${MESSAGE_SIZE} B`,
        'node:crypto verify, pre-imported KeyObject',
        () => ed.verify(signature, message, signer.rawPublic),
        nodeVerify(signer.publicKey),
      ),
    ]
  },
}

export default benchmark
