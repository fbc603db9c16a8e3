/**
 * The 1:1 message formats (protocol/proto/dm.proto) with their checks: frames on the DM
 * stream, the envelope that crosses the network or waits in the mailbox, and the inner
 * message the ratchet encrypts. Every decoder here bounds its input and refuses values a
 * well-behaved sender never produces, so the node never has to look at them.
 */
import { decodeMessage, encodeMessage } from './codec.ts'
import { ED25519_PUBLIC_KEY_LENGTH, X25519_KEY_LENGTH } from './crypto/index.ts'
import { MalformedMessageError } from './errors.ts'
import {
  MAX_BUNDLE_TEXTS,
  MAX_CALL_SIGNAL_SIZE,
  MAX_DM_PLAINTEXT_SIZE,
  MAX_DM_TEXT_SIZE,
  MAX_ENVELOPE_SIZE,
  MAX_RECEIPT_MESSAGE_IDS,
  MAX_REFUSAL_MESSAGE_IDS,
  MAX_SOCIAL_PAYLOAD_SIZE,
  MAX_STREAM_FRAME_SIZE,
} from './limits.ts'
import type { DeliveryState } from './local-api.ts'
import { checkReaction, type WireAction } from './message-actions.ts'
import {
  type DmAck,
  DmAckStatus,
  DmActionType,
  DmContent,
  DmContentKind,
  DmEnvelope,
  DmFrame,
  DmReceiptType,
  DmRefusalNotice,
} from './proto/dm.ts'
import {
  type AttachmentContent,
  attachmentFromWire,
  attachmentToWire,
  checkCaption,
  styleFromWire,
  styleToWire,
  type TextStyle,
} from './rich-content.ts'
import { MESSAGE_HEADER_MAX_LENGTH } from './session/message-header.ts'

export type { DmAck, DmContent, DmEnvelope, DmReceipt, DmRefusalNotice } from './proto/dm.ts'
export { DmAckStatus, DmContentKind, DmReceiptType } from './proto/dm.ts'

/** Bytes of a message id: random, so ids never collide in practice and reveal nothing. */
export const MESSAGE_ID_LENGTH = 16

/** Shortest ratchet header (no session-start fields). */
const MESSAGE_HEADER_MIN_LENGTH = 2 + 32 + 4 + 4
/** AES-GCM tag; a shorter ciphertext cannot authenticate. */
const CIPHERTEXT_MIN_LENGTH = 16
/** Longest `reason` an ack may carry. */
export const MAX_ACK_REASON_LENGTH = 200

export type DmFrameValue = { envelope: DmEnvelope; ack?: never } | { ack: DmAck; envelope?: never }

export function encodeDmFrame(frame: DmFrameValue): Uint8Array {
  return encodeMessage(DmFrame, frame, { maxSize: MAX_STREAM_FRAME_SIZE, what: 'DM frame' })
}

/**
 * Decodes and checks one frame. Throws OversizedMessageError or MalformedMessageError (with
 * the reason) for anything else than one well-formed envelope or ack.
 */
export function decodeDmFrame(bytes: Uint8Array): DmFrameValue {
  const frame = decodeMessage(DmFrame, bytes, { maxSize: MAX_STREAM_FRAME_SIZE, what: 'DM frame' })
  if (frame.envelope != null && frame.ack == null) {
    checkEnvelope(frame.envelope)
    return { envelope: frame.envelope }
  }
  if (frame.ack != null && frame.envelope == null) {
    checkMessageId(frame.ack.messageId, 'ack')
    if (!Object.values(DmAckStatus).includes(frame.ack.status)) {
      throw new MalformedMessageError('ack has an unknown status')
    }
    if (frame.ack.reason.length > MAX_ACK_REASON_LENGTH) {
      throw new MalformedMessageError(`ack reason is over ${MAX_ACK_REASON_LENGTH} characters`)
    }
    return { ack: frame.ack }
  }
  throw new MalformedMessageError('DM frame must carry exactly one envelope or one ack')
}

export function encodeEnvelope(envelope: DmEnvelope): Uint8Array {
  checkEnvelope(envelope)
  return encodeMessage(DmEnvelope, envelope, { maxSize: MAX_ENVELOPE_SIZE, what: 'DM envelope' })
}

/** An envelope as stored in the mailbox. Throws Oversized/MalformedMessageError. */
export function decodeEnvelope(bytes: Uint8Array): DmEnvelope {
  const envelope = decodeMessage(DmEnvelope, bytes, {
    maxSize: MAX_ENVELOPE_SIZE,
    what: 'DM envelope',
  })
  checkEnvelope(envelope)
  return envelope
}

export function encodeRefusalNotice(notice: DmRefusalNotice): Uint8Array {
  checkRefusalNotice(notice)
  return encodeMessage(DmRefusalNotice, notice, {
    maxSize: MAX_ENVELOPE_SIZE,
    what: 'refusal notice',
  })
}

/**
 * What a mailbox slot holds: an envelope, or a refusal notice (dm.proto tells them apart by
 * the length of their first field, which each check requires). Throws
 * Oversized/MalformedMessageError, with the envelope's reason, for anything else.
 */
export function decodeMailboxItem(
  bytes: Uint8Array,
): { envelope: DmEnvelope; refusal?: never } | { refusal: DmRefusalNotice; envelope?: never } {
  let envelopeError: unknown
  try {
    return { envelope: decodeEnvelope(bytes) }
  } catch (err) {
    envelopeError = err
  }
  let refusal: DmRefusalNotice
  try {
    refusal = decodeMessage(DmRefusalNotice, bytes, {
      maxSize: MAX_ENVELOPE_SIZE,
      what: 'refusal notice',
      limits: { messageIds: MAX_REFUSAL_MESSAGE_IDS },
    })
    checkRefusalNotice(refusal)
  } catch {
    throw envelopeError
  }
  return { refusal }
}

function checkRefusalNotice(notice: DmRefusalNotice): void {
  if (notice.sessionKey.length !== X25519_KEY_LENGTH) {
    throw new MalformedMessageError(
      `a refusal notice names a ${X25519_KEY_LENGTH}-byte session key`,
    )
  }
  const count = notice.messageIds.length
  if (count === 0 || count > MAX_REFUSAL_MESSAGE_IDS) {
    throw new MalformedMessageError(
      `a refusal notice names 1..${MAX_REFUSAL_MESSAGE_IDS} messages, not ${count}`,
    )
  }
  for (const id of notice.messageIds) checkMessageId(id, 'refusal notice')
  if (notice.reason.length > MAX_ACK_REASON_LENGTH) {
    throw new MalformedMessageError(`refusal reason is over ${MAX_ACK_REASON_LENGTH} characters`)
  }
}

function checkEnvelope(envelope: DmEnvelope): void {
  checkMessageId(envelope.messageId, 'envelope')
  if (envelope.sender.length !== ED25519_PUBLIC_KEY_LENGTH) {
    throw new MalformedMessageError(
      `envelope sender must be a ${ED25519_PUBLIC_KEY_LENGTH}-byte Ed25519 key, got ${envelope.sender.length} bytes`,
    )
  }
  const headerLength = envelope.header.length
  if (headerLength < MESSAGE_HEADER_MIN_LENGTH || headerLength > MESSAGE_HEADER_MAX_LENGTH) {
    throw new MalformedMessageError(`envelope header has an impossible length (${headerLength})`)
  }
  const ciphertextLength = envelope.ciphertext.length
  if (
    ciphertextLength < CIPHERTEXT_MIN_LENGTH ||
    ciphertextLength > MAX_DM_PLAINTEXT_SIZE + CIPHERTEXT_MIN_LENGTH
  ) {
    throw new MalformedMessageError(
      `envelope ciphertext has an impossible length (${ciphertextLength})`,
    )
  }
}

function checkMessageId(id: Uint8Array, what: string): void {
  if (id.length !== MESSAGE_ID_LENGTH) {
    throw new MalformedMessageError(
      `${what} message id must be ${MESSAGE_ID_LENGTH} bytes, got ${id.length}`,
    )
  }
}

/** A text, as the sender's node writes it into the ratchet. */
export interface TextContent {
  messageId: Uint8Array
  seq: number
  sentAtMs: number
  text: string
  /** Every lower seq was delivered or failed: the recipient stops waiting for it. */
  resolvedBelow: number
  /** How the sender styled it (protocol/rich-content.ts). */
  style?: TextStyle
  /** A file sent with it; the text is then a caption, possibly empty. */
  attachment?: AttachmentContent
  /**
   * Only on the copy a node gives its own account's other devices: the key of the peer the
   * account sent this text to (own-device sync, doc/accounts.md).
   */
  sentTo?: Uint8Array
  /**
   * Only on a copy for another device of an account: the id of the text it copies, which
   * every device of the account names it by (own-device sync, doc/accounts.md).
   */
  copyOf?: Uint8Array
  /** The id of the message this text answers (either side's). */
  replyTo?: Uint8Array
  /**
   * Set when this text is an action on an earlier message, not a text to show
   * (protocol/message-actions.ts): an edit's new words are `text`; other actions have none.
   */
  action?: WireAction
  /** The sender forwarded it from another conversation. */
  forwarded?: boolean
}

export type ReceiptContent =
  | { messageId: Uint8Array; type: 'delivered'; messageIds: Uint8Array[] }
  | { messageId: Uint8Array; type: 'read'; readUpToSeq: number }

/**
 * A message for a component beside the conversation, never a text: a friend request or answer
 * (`social`, an encoded FriendMessage, protocol/social.ts) or a voice-call signal (`call`, an
 * encoded CallSignal, protocol/calls.ts).
 */
export interface ControlContent {
  messageId: Uint8Array
  sentAtMs: number
  payload: Uint8Array
}
export type SocialContent = ControlContent

/**
 * Texts sent together under one ratchet message, in seq order; acked (and deposited in the
 * mailbox) as one envelope under its own id, while each text keeps its id and seq.
 */
export interface BundleContent {
  messageId: Uint8Array
  texts: Array<{ kind: 'text' } & TextContent>
}

export type InnerMessage =
  | ({ kind: 'text' } & TextContent)
  | ({ kind: 'receipt' } & ReceiptContent)
  | ({ kind: 'social' } & SocialContent)
  | ({ kind: 'call' } & ControlContent)
  | ({ kind: 'bundle' } & BundleContent)

/** Bytes a bundle adds around each encoded text (a field tag and a length). */
export const BUNDLE_OVERHEAD_PER_TEXT = 4
/** Bytes of a bundle beyond its texts: its id and kind. */
export const BUNDLE_OVERHEAD = 24

/**
 * A bundle of texts already encoded with encodeInnerMessage (and checked there), in seq
 * order. The caller keeps their total within MAX_DM_PLAINTEXT_SIZE, counting the overheads
 * above; an oversized bundle throws OversizedMessageError.
 */
export function encodeBundle(messageId: Uint8Array, encodedTexts: Uint8Array[]): Uint8Array {
  if (encodedTexts.length < 2 || encodedTexts.length > MAX_BUNDLE_TEXTS) {
    throw new MalformedMessageError(
      `a bundle carries 2..${MAX_BUNDLE_TEXTS} texts, not ${encodedTexts.length}`,
    )
  }
  return encodeMessage(
    DmContent,
    {
      messageId: messageId as DmContent['messageId'],
      kind: DmContentKind.BUNDLE,
      parts: encodedTexts as DmContent['parts'],
    },
    { maxSize: MAX_DM_PLAINTEXT_SIZE, what: 'bundle of texts' },
  )
}

/** One text, receipt, social message or call signal (bundles: encodeBundle). */
export function encodeInnerMessage(message: Exclude<InnerMessage, { kind: 'bundle' }>): Uint8Array {
  if (message.kind === 'social' || message.kind === 'call') {
    return encodeContent({
      messageId: message.messageId as DmContent['messageId'],
      sentAtMs: message.sentAtMs,
      kind: CONTROL[message.kind].kind,
      [CONTROL[message.kind].field]: message.payload,
    })
  }
  const content: Partial<DmContent> =
    message.kind === 'text'
      ? {
          messageId: message.messageId as DmContent['messageId'],
          seq: message.seq,
          sentAtMs: message.sentAtMs,
          kind: DmContentKind.TEXT,
          text: message.text,
          resolvedBelow: message.resolvedBelow,
          style: styleToWire(message.style),
          attachment: attachmentToWire(message.attachment),
          sentTo: (message.sentTo ?? new Uint8Array(0)) as DmContent['sentTo'],
          copyOf: (message.copyOf ?? new Uint8Array(0)) as DmContent['copyOf'],
          replyTo: (message.replyTo ?? new Uint8Array(0)) as DmContent['replyTo'],
          action: actionToWire(message.action),
          forwarded: message.forwarded === true,
        }
      : {
          messageId: message.messageId as DmContent['messageId'],
          kind: DmContentKind.RECEIPT,
          receipt:
            message.type === 'delivered'
              ? {
                  type: DmReceiptType.DELIVERED,
                  messageIds: message.messageIds as DmContent['messageId'][],
                  readUpToSeq: 0,
                }
              : { type: DmReceiptType.READ, messageIds: [], readUpToSeq: message.readUpToSeq },
        }
  return encodeContent(content)
}

function encodeContent(content: Partial<DmContent>): Uint8Array {
  const bytes = encodeMessage(DmContent, content, {
    maxSize: MAX_DM_PLAINTEXT_SIZE,
    what: 'direct message',
  })
  // Checking our own output keeps the limits honest on both ends.
  decodeInnerMessage(bytes)
  return bytes
}

/** Throws Oversized/MalformedMessageError for anything a well-behaved sender never writes. */
export function decodeInnerMessage(bytes: Uint8Array): InnerMessage {
  const content = decodeContent(bytes)
  return content.kind === DmContentKind.BUNDLE ? bundleFromWire(content) : singleFromWire(content)
}

function decodeContent(bytes: Uint8Array): DmContent {
  const content = decodeMessage(DmContent, bytes, {
    maxSize: MAX_DM_PLAINTEXT_SIZE,
    what: 'direct message',
    limits: { receipt: { messageIds: MAX_RECEIPT_MESSAGE_IDS }, parts: MAX_BUNDLE_TEXTS },
  })
  checkMessageId(content.messageId, 'inner')
  return content
}

/** The kinds that carry a payload for another component, the field and its largest size. */
const CONTROL = {
  social: { kind: DmContentKind.SOCIAL, field: 'social', maxSize: MAX_SOCIAL_PAYLOAD_SIZE },
  call: { kind: DmContentKind.CALL, field: 'call', maxSize: MAX_CALL_SIGNAL_SIZE },
} as const

/** A text, receipt, social message or call signal, checked. */
function singleFromWire(content: DmContent): Exclude<InnerMessage, { kind: 'bundle' }> {
  if (content.parts.length !== 0) {
    throw new MalformedMessageError('only a bundle carries parts')
  }
  for (const [name, control] of Object.entries(CONTROL)) {
    if (content.kind !== control.kind && content[control.field].length !== 0) {
      throw new MalformedMessageError(`only a ${name} message carries a ${name} payload`)
    }
  }
  if (
    content.sentTo.length !== 0 &&
    (content.kind !== DmContentKind.TEXT || content.sentTo.length !== 32)
  ) {
    throw new MalformedMessageError('only a text names whom it was sent to, as a 32-byte key')
  }
  if (
    content.copyOf.length !== 0 &&
    (content.kind !== DmContentKind.TEXT || content.copyOf.length !== MESSAGE_ID_LENGTH)
  ) {
    throw new MalformedMessageError('only a text names the text it copies, by its id')
  }
  if (
    content.kind !== DmContentKind.TEXT &&
    (content.style != null ||
      content.attachment != null ||
      content.replyTo.length !== 0 ||
      content.action != null ||
      content.forwarded)
  ) {
    throw new MalformedMessageError(
      'only a text carries a style, an attachment, a reply or an action',
    )
  }
  for (const [name, control] of Object.entries(CONTROL) as Array<
    [keyof typeof CONTROL, (typeof CONTROL)[keyof typeof CONTROL]]
  >) {
    if (content.kind !== control.kind) continue
    if (
      content.receipt != null ||
      content.seq !== 0 ||
      content.text !== '' ||
      content.resolvedBelow !== 0
    ) {
      throw new MalformedMessageError(`a ${name} message must carry no seq, text or receipt`)
    }
    const payload = content[control.field]
    if (payload.length === 0 || payload.length > control.maxSize) {
      throw new MalformedMessageError(
        `a ${name} payload must be 1..${control.maxSize} bytes, got ${payload.length}`,
      )
    }
    return { kind: name, messageId: content.messageId, sentAtMs: content.sentAtMs, payload }
  }
  if (content.kind === DmContentKind.TEXT) {
    if (content.receipt != null) throw new MalformedMessageError('a text carries a receipt')
    if (content.seq < 1) throw new MalformedMessageError('a text must have a seq of 1 or more')
    if (content.resolvedBelow < 1 || content.resolvedBelow > content.seq) {
      throw new MalformedMessageError('a text must resolve seqs below 1..seq')
    }
    if (textSize(content.text) > MAX_DM_TEXT_SIZE) {
      throw new MalformedMessageError(`text is over ${MAX_DM_TEXT_SIZE} bytes`)
    }
    const text: InnerMessage = {
      kind: 'text',
      messageId: content.messageId,
      seq: content.seq,
      sentAtMs: content.sentAtMs,
      text: content.text,
      resolvedBelow: content.resolvedBelow,
    }
    if (content.style != null) text.style = styleFromWire(content.style)
    if (content.sentTo.length !== 0) text.sentTo = content.sentTo
    if (content.copyOf.length !== 0) text.copyOf = content.copyOf
    if (content.attachment != null) {
      checkCaption(content.text)
      text.attachment = attachmentFromWire(content.attachment)
    }
    if (content.replyTo.length !== 0) {
      checkMessageId(content.replyTo, 'replied-to')
      text.replyTo = content.replyTo
    }
    if (content.action != null) text.action = actionFromWire(content)
    if (content.forwarded) text.forwarded = true
    return text
  }
  if (content.kind === DmContentKind.RECEIPT) {
    const receipt = content.receipt
    if (
      receipt == null ||
      content.seq !== 0 ||
      content.text !== '' ||
      content.resolvedBelow !== 0
    ) {
      throw new MalformedMessageError('a receipt must carry a receipt and no seq or text')
    }
    if (receipt.type === DmReceiptType.DELIVERED) {
      if (receipt.messageIds.length === 0 || receipt.readUpToSeq !== 0) {
        throw new MalformedMessageError('a delivered receipt must name message ids and no seq')
      }
      if (receipt.messageIds.length > MAX_RECEIPT_MESSAGE_IDS) {
        throw new MalformedMessageError(
          `a delivered receipt names over ${MAX_RECEIPT_MESSAGE_IDS} messages`,
        )
      }
      for (const id of receipt.messageIds) checkMessageId(id, 'receipt')
      return {
        kind: 'receipt',
        type: 'delivered',
        messageId: content.messageId,
        messageIds: receipt.messageIds,
      }
    }
    if (receipt.type === DmReceiptType.READ) {
      if (receipt.messageIds.length !== 0 || receipt.readUpToSeq < 1) {
        throw new MalformedMessageError('a read receipt must name a seq and no message ids')
      }
      return {
        kind: 'receipt',
        type: 'read',
        messageId: content.messageId,
        readUpToSeq: receipt.readUpToSeq,
      }
    }
  }
  throw new MalformedMessageError('direct message has an unknown kind')
}

function bundleFromWire(content: DmContent): InnerMessage {
  if (
    content.seq !== 0 ||
    content.sentAtMs !== 0 ||
    content.text !== '' ||
    content.resolvedBelow !== 0 ||
    content.social.length !== 0 ||
    content.call.length !== 0 ||
    content.sentTo.length !== 0 ||
    content.copyOf.length !== 0 ||
    content.replyTo.length !== 0 ||
    content.action != null ||
    content.forwarded ||
    content.receipt != null ||
    content.style != null ||
    content.attachment != null
  ) {
    throw new MalformedMessageError('a bundle carries its texts and no field of its own')
  }
  if (content.parts.length < 2 || content.parts.length > MAX_BUNDLE_TEXTS) {
    throw new MalformedMessageError(
      `a bundle carries 2..${MAX_BUNDLE_TEXTS} texts, not ${content.parts.length}`,
    )
  }
  const texts: BundleContent['texts'] = []
  for (const part of content.parts) {
    const partContent = decodeContent(part)
    // Checked before anything else: a bundle inside a bundle is never even looked into.
    if (partContent.kind !== DmContentKind.TEXT) {
      throw new MalformedMessageError('a bundle carries texts only')
    }
    const text = singleFromWire(partContent) as { kind: 'text' } & TextContent
    const previous = texts.at(-1)
    if (previous != null && text.seq <= previous.seq) {
      throw new MalformedMessageError('the texts of a bundle come in rising seq order')
    }
    texts.push(text)
  }
  return { kind: 'bundle', messageId: content.messageId, texts }
}

const ACTION_TYPES = {
  edit: DmActionType.EDIT,
  recall: DmActionType.RECALL,
  react: DmActionType.REACT,
} as const

function actionToWire(action: WireAction | undefined): DmContent['action'] {
  if (action == null) return undefined
  return {
    target: action.target as NonNullable<DmContent['action']>['target'],
    type: ACTION_TYPES[action.type],
    emoji: action.emoji ?? '',
  }
}

/**
 * An action, checked: it stands alone (no style, file, reply or copy of a text) and fits its
 * kind. It may name `sent_to`: our own action, copied to another device of our account.
 */
function actionFromWire(content: DmContent): WireAction {
  const wire = content.action!
  checkMessageId(wire.target, 'acted-on')
  if (
    content.style != null ||
    content.attachment != null ||
    content.replyTo.length !== 0 ||
    content.copyOf.length !== 0 ||
    content.forwarded
  ) {
    throw new MalformedMessageError('an action carries no style, file, reply, forward or copy')
  }
  const type = (Object.keys(ACTION_TYPES) as Array<keyof typeof ACTION_TYPES>).find(
    (name) => ACTION_TYPES[name] === wire.type,
  )
  if (type == null) throw new MalformedMessageError('an action has an unknown type')
  if (type !== 'react' && wire.emoji !== '') {
    throw new MalformedMessageError('only a reaction carries an emoji')
  }
  if (type !== 'edit' && content.text !== '') {
    throw new MalformedMessageError('only an edit carries a text')
  }
  if (type === 'react') {
    checkReaction(wire.emoji)
    return { type, target: wire.target, emoji: wire.emoji }
  }
  return { type, target: wire.target }
}

/** UTF-8 size of a text, to check against MAX_DM_TEXT_SIZE before sending. */
export function textSize(text: string): number {
  return utf8.encode(text).length
}

const utf8 = new TextEncoder()

/**
 * When both ends start a session with each other at once, both keep the one whose initiator
 * has the smaller identity key (bytewise), so they settle on the same session without
 * talking. True when `a` wins over `b`.
 */
export function isPreferredInitiator(a: Uint8Array, b: Uint8Array): boolean {
  const length = Math.min(a.length, b.length)
  for (let i = 0; i < length; i++) {
    if (a[i] !== b[i]) return a[i] < b[i]
  }
  return a.length < b.length
}

const STATE_RANK: Record<DeliveryState, number> = {
  queued: 0,
  stored: 1,
  delivered: 2,
  read: 3,
  failed: 0,
}

/**
 * True when `next` moves a message forward: states only advance (a late `stored` never
 * hides `delivered`), and a message shown as failed still advances if it arrives after all.
 */
export function isStateAdvance(current: DeliveryState, next: DeliveryState): boolean {
  if (next === 'failed') return current === 'queued' || current === 'stored'
  if (current === 'failed') return next === 'delivered' || next === 'read'
  return STATE_RANK[next] > STATE_RANK[current]
}
