/**
 * The sealed first-contact envelope: what a stranger writes into a recipient's inbox slot
 * (protocol/mailbox.ts), sealed to the recipient's identity key with the sender's identity
 * inside. Pure code; node/mailbox deposits and collects it. doc/mailbox.md explains the design.
 *
 * Guarantees, and how they are kept:
 * - Holders and outsiders learn neither party: the sender's identity key is encrypted under
 *   a key agreed between a fresh X25519 key and the recipient's, and the inbox slot itself
 *   derives from public data only.
 * - The envelope opens only as coming from the sender it names: its key mixes in the
 *   agreement of the sender's identity key with the recipient's, so naming another sender
 *   fails decryption. There is no signature, so the recipient cannot prove to others who
 *   wrote.
 * - Bounded: the envelope obeys the mailbox's envelope rule (`checkEnvelopeSize`) and the
 *   sealed form MAX_MAILBOX_PAYLOAD_SIZE, checked before any decryption.
 */
import { concatBytes } from './bytes.ts'
import { decodeMessage, encodeMessage } from './codec.ts'
import {
  AEAD_NONCE_LENGTH,
  aeadDecrypt,
  aeadEncrypt,
  ED25519_PUBLIC_KEY_LENGTH,
  type Ed25519KeyPair,
  ed25519PrivateKeyToX25519,
  ed25519PublicKeyToX25519,
  generateX25519KeyPair,
  hkdfSha256,
  X25519_KEY_LENGTH,
  x25519,
} from './crypto/index.ts'
import { MalformedMessageError } from './errors.ts'
import { MAX_MAILBOX_PAYLOAD_SIZE } from './limits.ts'
import { checkEnvelopeSize } from './mailbox.ts'
import { SealedInboxEnvelope } from './proto/mailbox.ts'

const INBOX_SEAL_SENDER_INFO = 'tokenim inbox seal sender v1'
const INBOX_SEAL_BODY_INFO = 'tokenim inbox seal body v1'
/** Each seal key encrypts once (it depends on a fresh ephemeral key), so a fixed nonce is safe. */
const SINGLE_USE_NONCE = new Uint8Array(AEAD_NONCE_LENGTH)

/**
 * Seals a first-contact envelope to the recipient's identity key. A fresh X25519 key agrees
 * with the recipient's key (mapped from Ed25519) to encrypt the sender's identity key; the
 * envelope is encrypted under a key that mixes in the agreement of the sender's identity
 * key with the recipient's, so it opens only as coming from that sender. Outsiders learn
 * neither party; the recipient cannot prove to others who wrote (no signature).
 */
export function sealInboxEnvelope(
  sender: Ed25519KeyPair,
  recipientPublicKey: Uint8Array,
  envelope: Uint8Array,
): Uint8Array {
  checkEnvelopeSize(envelope)
  const recipientKey = ed25519PublicKeyToX25519(recipientPublicKey)
  const ephemeral = generateX25519KeyPair()
  const ephemeralShared = x25519(ephemeral.privateKey, recipientKey)
  const senderKey = hkdfSha256(
    ephemeralShared,
    concatBytes(ephemeral.publicKey, recipientKey),
    INBOX_SEAL_SENDER_INFO,
    32,
  )
  const sealedSender = aeadEncrypt(
    senderKey,
    SINGLE_USE_NONCE,
    sender.publicKey,
    concatBytes(ephemeral.publicKey, recipientKey),
  )
  const staticShared = x25519(ed25519PrivateKeyToX25519(sender.privateKey), recipientKey)
  const bodyKey = hkdfSha256(
    concatBytes(ephemeralShared, staticShared),
    concatBytes(ephemeral.publicKey, recipientKey, sealedSender),
    INBOX_SEAL_BODY_INFO,
    32,
  )
  const sealedBody = aeadEncrypt(
    bodyKey,
    SINGLE_USE_NONCE,
    envelope,
    concatBytes(ephemeral.publicKey, sealedSender),
  )
  return encodeMessage(
    SealedInboxEnvelope,
    { ephemeralKey: ephemeral.publicKey, sealedSender, sealedBody } as SealedInboxEnvelope,
    { maxSize: MAX_MAILBOX_PAYLOAD_SIZE, what: 'sealed inbox envelope' },
  )
}

/**
 * Opens a sealed first-contact envelope with the recipient's identity. Returns the sender's
 * Ed25519 identity key, authenticated. Throws DecryptionError (not for us, or altered),
 * MalformedMessageError or InvalidKeyError.
 */
export function openInboxEnvelope(
  recipient: Ed25519KeyPair,
  sealed: Uint8Array,
): { sender: Uint8Array; envelope: Uint8Array } {
  const message = decodeMessage(SealedInboxEnvelope, sealed, {
    maxSize: MAX_MAILBOX_PAYLOAD_SIZE,
    what: 'sealed inbox envelope',
  })
  if (message.ephemeralKey.length !== X25519_KEY_LENGTH) {
    throw new MalformedMessageError('sealed inbox envelope has a malformed ephemeral key')
  }
  const recipientSecret = ed25519PrivateKeyToX25519(recipient.privateKey)
  const recipientKey = ed25519PublicKeyToX25519(recipient.publicKey)
  const ephemeralShared = x25519(recipientSecret, message.ephemeralKey)
  const senderKey = hkdfSha256(
    ephemeralShared,
    concatBytes(message.ephemeralKey, recipientKey),
    INBOX_SEAL_SENDER_INFO,
    32,
  )
  const sender = aeadDecrypt(
    senderKey,
    SINGLE_USE_NONCE,
    message.sealedSender,
    concatBytes(message.ephemeralKey, recipientKey),
  )
  if (sender.length !== ED25519_PUBLIC_KEY_LENGTH) {
    throw new MalformedMessageError('sealed inbox envelope names a malformed sender key')
  }
  const staticShared = x25519(recipientSecret, ed25519PublicKeyToX25519(sender))
  const bodyKey = hkdfSha256(
    concatBytes(ephemeralShared, staticShared),
    concatBytes(message.ephemeralKey, recipientKey, message.sealedSender),
    INBOX_SEAL_BODY_INFO,
    32,
  )
  const envelope = aeadDecrypt(
    bodyKey,
    SINGLE_USE_NONCE,
    message.sealedBody,
    concatBytes(message.ephemeralKey, message.sealedSender),
  )
  return { sender, envelope }
}
