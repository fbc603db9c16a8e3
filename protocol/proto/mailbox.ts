import {
  decodeMessage,
  encodeMessage,
  MaxLengthError,
  message,
  streamMessage,
} from 'protons-runtime'
import { alloc as uint8ArrayAlloc } from 'uint8arrays/alloc'
import type { Codec, DecodeOptions } from 'protons-runtime'
import type { Uint8ArrayList } from 'uint8arraylist'

export interface MailboxEntry {
  deposit?: MailboxDeposit
  tombstone?: MailboxTombstone
}

export namespace MailboxEntry {
  let _codec: Codec<MailboxEntry>

  export const codec = (): Codec<MailboxEntry> => {
    if (_codec == null) {
      _codec = message<MailboxEntry>(
        (obj, w, opts = {}) => {
          if (opts.lengthDelimited !== false) {
            w.fork()
          }

          if (obj.deposit != null) {
            w.uint32(10)
            MailboxDeposit.codec().encode(obj.deposit, w)
          }

          if (obj.tombstone != null) {
            w.uint32(18)
            MailboxTombstone.codec().encode(obj.tombstone, w)
          }

          if (opts.lengthDelimited !== false) {
            w.ldelim()
          }
        },
        (reader, length, opts = {}) => {
          const obj: any = {}

          const end = length == null ? reader.len : reader.pos + length

          while (reader.pos < end) {
            const tag = reader.uint32()

            switch (tag >>> 3) {
              case 1: {
                obj.deposit = MailboxDeposit.codec().decode(reader, reader.uint32(), {
                  limits: opts.limits?.deposit,
                })
                break
              }
              case 2: {
                obj.tombstone = MailboxTombstone.codec().decode(reader, reader.uint32(), {
                  limits: opts.limits?.tombstone,
                })
                break
              }
              default: {
                reader.skipType(tag & 7)
                break
              }
            }
          }

          return obj
        },
        function* (reader, length, prefix, opts = {}) {
          const end = length == null ? reader.len : reader.pos + length

          while (reader.pos < end) {
            const tag = reader.uint32()

            switch (tag >>> 3) {
              case 1: {
                yield* MailboxDeposit.codec().stream(reader, reader.uint32(), `${prefix}.deposit`, {
                  limits: opts.limits?.deposit,
                })

                break
              }
              case 2: {
                yield* MailboxTombstone.codec().stream(
                  reader,
                  reader.uint32(),
                  `${prefix}.tombstone`,
                  {
                    limits: opts.limits?.tombstone,
                  },
                )

                break
              }
              default: {
                reader.skipType(tag & 7)
                break
              }
            }
          }
        },
      )
    }

    return _codec
  }

  export interface MailboxEntryDepositSlotPublicKeyFieldEvent {
    field: '$.deposit.slotPublicKey'
    value: Uint8Array<ArrayBuffer>
  }

  export interface MailboxEntryDepositPayloadFieldEvent {
    field: '$.deposit.payload'
    value: Uint8Array<ArrayBuffer>
  }

  export interface MailboxEntryDepositCreatedMsFieldEvent {
    field: '$.deposit.createdMs'
    value: number
  }

  export interface MailboxEntryDepositExpiresMsFieldEvent {
    field: '$.deposit.expiresMs'
    value: number
  }

  export interface MailboxEntryTombstoneSlotPublicKeyFieldEvent {
    field: '$.tombstone.slotPublicKey'
    value: Uint8Array<ArrayBuffer>
  }

  export interface MailboxEntryTombstoneTombstonedMsFieldEvent {
    field: '$.tombstone.tombstonedMs'
    value: number
  }

  export interface MailboxEntryTombstoneExpiresMsFieldEvent {
    field: '$.tombstone.expiresMs'
    value: number
  }

  export interface MailboxEntryTombstoneInboxEpochFieldEvent {
    field: '$.tombstone.inboxEpoch'
    value: number
  }

  export interface MailboxEntryTombstoneInboxIndexFieldEvent {
    field: '$.tombstone.inboxIndex'
    value: number
  }

  export interface MailboxEntryTombstoneClearedDigestFieldEvent {
    field: '$.tombstone.clearedDigest'
    value: Uint8Array<ArrayBuffer>
  }

  export function encode(obj: Partial<MailboxEntry>): Uint8Array<ArrayBuffer> {
    return encodeMessage(obj, MailboxEntry.codec())
  }

  export function decode(
    buf: Uint8Array | Uint8ArrayList,
    opts?: DecodeOptions<MailboxEntry>,
  ): MailboxEntry {
    return decodeMessage(buf, MailboxEntry.codec(), opts)
  }

  export function stream(
    buf: Uint8Array | Uint8ArrayList,
    opts?: DecodeOptions<MailboxEntry>,
  ): Generator<
    | MailboxEntryDepositSlotPublicKeyFieldEvent
    | MailboxEntryDepositPayloadFieldEvent
    | MailboxEntryDepositCreatedMsFieldEvent
    | MailboxEntryDepositExpiresMsFieldEvent
    | MailboxEntryTombstoneSlotPublicKeyFieldEvent
    | MailboxEntryTombstoneTombstonedMsFieldEvent
    | MailboxEntryTombstoneExpiresMsFieldEvent
    | MailboxEntryTombstoneInboxEpochFieldEvent
    | MailboxEntryTombstoneInboxIndexFieldEvent
    | MailboxEntryTombstoneClearedDigestFieldEvent
  > {
    return streamMessage(buf, MailboxEntry.codec(), opts)
  }
}

export interface MailboxDeposit {
  slotPublicKey: Uint8Array<ArrayBuffer>
  payload: Uint8Array<ArrayBuffer>
  createdMs: number
  expiresMs: number
}

export namespace MailboxDeposit {
  let _codec: Codec<MailboxDeposit>

  export const codec = (): Codec<MailboxDeposit> => {
    if (_codec == null) {
      _codec = message<MailboxDeposit>(
        (obj, w, opts = {}) => {
          if (opts.lengthDelimited !== false) {
            w.fork()
          }

          if (obj.slotPublicKey != null && obj.slotPublicKey.byteLength > 0) {
            w.uint32(10)
            w.bytes(obj.slotPublicKey)
          }

          if (obj.payload != null && obj.payload.byteLength > 0) {
            w.uint32(18)
            w.bytes(obj.payload)
          }

          if (obj.createdMs != null && obj.createdMs !== 0) {
            w.uint32(24)
            w.uint64Number(obj.createdMs)
          }

          if (obj.expiresMs != null && obj.expiresMs !== 0) {
            w.uint32(32)
            w.uint64Number(obj.expiresMs)
          }

          if (opts.lengthDelimited !== false) {
            w.ldelim()
          }
        },
        (reader, length, opts = {}) => {
          const obj: any = {
            slotPublicKey: uint8ArrayAlloc(0),
            payload: uint8ArrayAlloc(0),
            createdMs: 0,
            expiresMs: 0,
          }

          const end = length == null ? reader.len : reader.pos + length

          while (reader.pos < end) {
            const tag = reader.uint32()

            switch (tag >>> 3) {
              case 1: {
                obj.slotPublicKey = reader.bytes()
                break
              }
              case 2: {
                obj.payload = reader.bytes()
                break
              }
              case 3: {
                obj.createdMs = reader.uint64Number()
                break
              }
              case 4: {
                obj.expiresMs = reader.uint64Number()
                break
              }
              default: {
                reader.skipType(tag & 7)
                break
              }
            }
          }

          return obj
        },
        function* (reader, length, prefix, opts = {}) {
          const end = length == null ? reader.len : reader.pos + length

          while (reader.pos < end) {
            const tag = reader.uint32()

            switch (tag >>> 3) {
              case 1: {
                yield {
                  field: `${prefix}.slotPublicKey`,
                  value: reader.bytes(),
                }
                break
              }
              case 2: {
                yield {
                  field: `${prefix}.payload`,
                  value: reader.bytes(),
                }
                break
              }
              case 3: {
                yield {
                  field: `${prefix}.createdMs`,
                  value: reader.uint64Number(),
                }
                break
              }
              case 4: {
                yield {
                  field: `${prefix}.expiresMs`,
                  value: reader.uint64Number(),
                }
                break
              }
              default: {
                reader.skipType(tag & 7)
                break
              }
            }
          }
        },
      )
    }

    return _codec
  }

  export interface MailboxDepositSlotPublicKeyFieldEvent {
    field: '$.slotPublicKey'
    value: Uint8Array<ArrayBuffer>
  }

  export interface MailboxDepositPayloadFieldEvent {
    field: '$.payload'
    value: Uint8Array<ArrayBuffer>
  }

  export interface MailboxDepositCreatedMsFieldEvent {
    field: '$.createdMs'
    value: number
  }

  export interface MailboxDepositExpiresMsFieldEvent {
    field: '$.expiresMs'
    value: number
  }

  export function encode(obj: Partial<MailboxDeposit>): Uint8Array<ArrayBuffer> {
    return encodeMessage(obj, MailboxDeposit.codec())
  }

  export function decode(
    buf: Uint8Array | Uint8ArrayList,
    opts?: DecodeOptions<MailboxDeposit>,
  ): MailboxDeposit {
    return decodeMessage(buf, MailboxDeposit.codec(), opts)
  }

  export function stream(
    buf: Uint8Array | Uint8ArrayList,
    opts?: DecodeOptions<MailboxDeposit>,
  ): Generator<
    | MailboxDepositSlotPublicKeyFieldEvent
    | MailboxDepositPayloadFieldEvent
    | MailboxDepositCreatedMsFieldEvent
    | MailboxDepositExpiresMsFieldEvent
  > {
    return streamMessage(buf, MailboxDeposit.codec(), opts)
  }
}

export interface MailboxTombstone {
  slotPublicKey: Uint8Array<ArrayBuffer>
  tombstonedMs: number
  expiresMs: number
  inboxEpoch: number
  inboxIndex: number
  clearedDigest: Uint8Array<ArrayBuffer>
}

export namespace MailboxTombstone {
  let _codec: Codec<MailboxTombstone>

  export const codec = (): Codec<MailboxTombstone> => {
    if (_codec == null) {
      _codec = message<MailboxTombstone>(
        (obj, w, opts = {}) => {
          if (opts.lengthDelimited !== false) {
            w.fork()
          }

          if (obj.slotPublicKey != null && obj.slotPublicKey.byteLength > 0) {
            w.uint32(10)
            w.bytes(obj.slotPublicKey)
          }

          if (obj.tombstonedMs != null && obj.tombstonedMs !== 0) {
            w.uint32(16)
            w.uint64Number(obj.tombstonedMs)
          }

          if (obj.expiresMs != null && obj.expiresMs !== 0) {
            w.uint32(24)
            w.uint64Number(obj.expiresMs)
          }

          if (obj.inboxEpoch != null && obj.inboxEpoch !== 0) {
            w.uint32(32)
            w.uint32(obj.inboxEpoch)
          }

          if (obj.inboxIndex != null && obj.inboxIndex !== 0) {
            w.uint32(40)
            w.uint32(obj.inboxIndex)
          }

          if (obj.clearedDigest != null && obj.clearedDigest.byteLength > 0) {
            w.uint32(50)
            w.bytes(obj.clearedDigest)
          }

          if (opts.lengthDelimited !== false) {
            w.ldelim()
          }
        },
        (reader, length, opts = {}) => {
          const obj: any = {
            slotPublicKey: uint8ArrayAlloc(0),
            tombstonedMs: 0,
            expiresMs: 0,
            inboxEpoch: 0,
            inboxIndex: 0,
            clearedDigest: uint8ArrayAlloc(0),
          }

          const end = length == null ? reader.len : reader.pos + length

          while (reader.pos < end) {
            const tag = reader.uint32()

            switch (tag >>> 3) {
              case 1: {
                obj.slotPublicKey = reader.bytes()
                break
              }
              case 2: {
                obj.tombstonedMs = reader.uint64Number()
                break
              }
              case 3: {
                obj.expiresMs = reader.uint64Number()
                break
              }
              case 4: {
                obj.inboxEpoch = reader.uint32()
                break
              }
              case 5: {
                obj.inboxIndex = reader.uint32()
                break
              }
              case 6: {
                obj.clearedDigest = reader.bytes()
                break
              }
              default: {
                reader.skipType(tag & 7)
                break
              }
            }
          }

          return obj
        },
        function* (reader, length, prefix, opts = {}) {
          const end = length == null ? reader.len : reader.pos + length

          while (reader.pos < end) {
            const tag = reader.uint32()

            switch (tag >>> 3) {
              case 1: {
                yield {
                  field: `${prefix}.slotPublicKey`,
                  value: reader.bytes(),
                }
                break
              }
              case 2: {
                yield {
                  field: `${prefix}.tombstonedMs`,
                  value: reader.uint64Number(),
                }
                break
              }
              case 3: {
                yield {
                  field: `${prefix}.expiresMs`,
                  value: reader.uint64Number(),
                }
                break
              }
              case 4: {
                yield {
                  field: `${prefix}.inboxEpoch`,
                  value: reader.uint32(),
                }
                break
              }
              case 5: {
                yield {
                  field: `${prefix}.inboxIndex`,
                  value: reader.uint32(),
                }
                break
              }
              case 6: {
                yield {
                  field: `${prefix}.clearedDigest`,
                  value: reader.bytes(),
                }
                break
              }
              default: {
                reader.skipType(tag & 7)
                break
              }
            }
          }
        },
      )
    }

    return _codec
  }

  export interface MailboxTombstoneSlotPublicKeyFieldEvent {
    field: '$.slotPublicKey'
    value: Uint8Array<ArrayBuffer>
  }

  export interface MailboxTombstoneTombstonedMsFieldEvent {
    field: '$.tombstonedMs'
    value: number
  }

  export interface MailboxTombstoneExpiresMsFieldEvent {
    field: '$.expiresMs'
    value: number
  }

  export interface MailboxTombstoneInboxEpochFieldEvent {
    field: '$.inboxEpoch'
    value: number
  }

  export interface MailboxTombstoneInboxIndexFieldEvent {
    field: '$.inboxIndex'
    value: number
  }

  export interface MailboxTombstoneClearedDigestFieldEvent {
    field: '$.clearedDigest'
    value: Uint8Array<ArrayBuffer>
  }

  export function encode(obj: Partial<MailboxTombstone>): Uint8Array<ArrayBuffer> {
    return encodeMessage(obj, MailboxTombstone.codec())
  }

  export function decode(
    buf: Uint8Array | Uint8ArrayList,
    opts?: DecodeOptions<MailboxTombstone>,
  ): MailboxTombstone {
    return decodeMessage(buf, MailboxTombstone.codec(), opts)
  }

  export function stream(
    buf: Uint8Array | Uint8ArrayList,
    opts?: DecodeOptions<MailboxTombstone>,
  ): Generator<
    | MailboxTombstoneSlotPublicKeyFieldEvent
    | MailboxTombstoneTombstonedMsFieldEvent
    | MailboxTombstoneExpiresMsFieldEvent
    | MailboxTombstoneInboxEpochFieldEvent
    | MailboxTombstoneInboxIndexFieldEvent
    | MailboxTombstoneClearedDigestFieldEvent
  > {
    return streamMessage(buf, MailboxTombstone.codec(), opts)
  }
}

export interface SealedInboxEnvelope {
  ephemeralKey: Uint8Array<ArrayBuffer>
  sealedSender: Uint8Array<ArrayBuffer>
  sealedBody: Uint8Array<ArrayBuffer>
}

export namespace SealedInboxEnvelope {
  let _codec: Codec<SealedInboxEnvelope>

  export const codec = (): Codec<SealedInboxEnvelope> => {
    if (_codec == null) {
      _codec = message<SealedInboxEnvelope>(
        (obj, w, opts = {}) => {
          if (opts.lengthDelimited !== false) {
            w.fork()
          }

          if (obj.ephemeralKey != null && obj.ephemeralKey.byteLength > 0) {
            w.uint32(10)
            w.bytes(obj.ephemeralKey)
          }

          if (obj.sealedSender != null && obj.sealedSender.byteLength > 0) {
            w.uint32(18)
            w.bytes(obj.sealedSender)
          }

          if (obj.sealedBody != null && obj.sealedBody.byteLength > 0) {
            w.uint32(26)
            w.bytes(obj.sealedBody)
          }

          if (opts.lengthDelimited !== false) {
            w.ldelim()
          }
        },
        (reader, length, opts = {}) => {
          const obj: any = {
            ephemeralKey: uint8ArrayAlloc(0),
            sealedSender: uint8ArrayAlloc(0),
            sealedBody: uint8ArrayAlloc(0),
          }

          const end = length == null ? reader.len : reader.pos + length

          while (reader.pos < end) {
            const tag = reader.uint32()

            switch (tag >>> 3) {
              case 1: {
                obj.ephemeralKey = reader.bytes()
                break
              }
              case 2: {
                obj.sealedSender = reader.bytes()
                break
              }
              case 3: {
                obj.sealedBody = reader.bytes()
                break
              }
              default: {
                reader.skipType(tag & 7)
                break
              }
            }
          }

          return obj
        },
        function* (reader, length, prefix, opts = {}) {
          const end = length == null ? reader.len : reader.pos + length

          while (reader.pos < end) {
            const tag = reader.uint32()

            switch (tag >>> 3) {
              case 1: {
                yield {
                  field: `${prefix}.ephemeralKey`,
                  value: reader.bytes(),
                }
                break
              }
              case 2: {
                yield {
                  field: `${prefix}.sealedSender`,
                  value: reader.bytes(),
                }
                break
              }
              case 3: {
                yield {
                  field: `${prefix}.sealedBody`,
                  value: reader.bytes(),
                }
                break
              }
              default: {
                reader.skipType(tag & 7)
                break
              }
            }
          }
        },
      )
    }

    return _codec
  }

  export interface SealedInboxEnvelopeEphemeralKeyFieldEvent {
    field: '$.ephemeralKey'
    value: Uint8Array<ArrayBuffer>
  }

  export interface SealedInboxEnvelopeSealedSenderFieldEvent {
    field: '$.sealedSender'
    value: Uint8Array<ArrayBuffer>
  }

  export interface SealedInboxEnvelopeSealedBodyFieldEvent {
    field: '$.sealedBody'
    value: Uint8Array<ArrayBuffer>
  }

  export function encode(obj: Partial<SealedInboxEnvelope>): Uint8Array<ArrayBuffer> {
    return encodeMessage(obj, SealedInboxEnvelope.codec())
  }

  export function decode(
    buf: Uint8Array | Uint8ArrayList,
    opts?: DecodeOptions<SealedInboxEnvelope>,
  ): SealedInboxEnvelope {
    return decodeMessage(buf, SealedInboxEnvelope.codec(), opts)
  }

  export function stream(
    buf: Uint8Array | Uint8ArrayList,
    opts?: DecodeOptions<SealedInboxEnvelope>,
  ): Generator<
    | SealedInboxEnvelopeEphemeralKeyFieldEvent
    | SealedInboxEnvelopeSealedSenderFieldEvent
    | SealedInboxEnvelopeSealedBodyFieldEvent
  > {
    return streamMessage(buf, SealedInboxEnvelope.codec(), opts)
  }
}

export interface PublishedPrekeys {
  publishedMs: number
  expiresMs: number
  signedPrekey?: PublishedSignedPrekey
  oneTimePrekeys: PublishedOneTimePrekey[]
}

export namespace PublishedPrekeys {
  let _codec: Codec<PublishedPrekeys>

  export const codec = (): Codec<PublishedPrekeys> => {
    if (_codec == null) {
      _codec = message<PublishedPrekeys>(
        (obj, w, opts = {}) => {
          if (opts.lengthDelimited !== false) {
            w.fork()
          }

          if (obj.publishedMs != null && obj.publishedMs !== 0) {
            w.uint32(8)
            w.uint64Number(obj.publishedMs)
          }

          if (obj.expiresMs != null && obj.expiresMs !== 0) {
            w.uint32(16)
            w.uint64Number(obj.expiresMs)
          }

          if (obj.signedPrekey != null) {
            w.uint32(26)
            PublishedSignedPrekey.codec().encode(obj.signedPrekey, w)
          }

          if (obj.oneTimePrekeys != null && obj.oneTimePrekeys.length > 0) {
            for (const value of obj.oneTimePrekeys) {
              w.uint32(34)
              PublishedOneTimePrekey.codec().encode(value, w)
            }
          }

          if (opts.lengthDelimited !== false) {
            w.ldelim()
          }
        },
        (reader, length, opts = {}) => {
          const obj: any = {
            publishedMs: 0,
            expiresMs: 0,
            oneTimePrekeys: [],
          }

          const end = length == null ? reader.len : reader.pos + length

          while (reader.pos < end) {
            const tag = reader.uint32()

            switch (tag >>> 3) {
              case 1: {
                obj.publishedMs = reader.uint64Number()
                break
              }
              case 2: {
                obj.expiresMs = reader.uint64Number()
                break
              }
              case 3: {
                obj.signedPrekey = PublishedSignedPrekey.codec().decode(reader, reader.uint32(), {
                  limits: opts.limits?.signedPrekey,
                })
                break
              }
              case 4: {
                if (
                  opts.limits?.oneTimePrekeys != null &&
                  obj.oneTimePrekeys.length === opts.limits.oneTimePrekeys
                ) {
                  throw new MaxLengthError(
                    'Decode error - repeated field "oneTimePrekeys" had too many elements',
                  )
                }

                obj.oneTimePrekeys.push(
                  PublishedOneTimePrekey.codec().decode(reader, reader.uint32(), {
                    limits: opts.limits?.oneTimePrekeys$,
                  }),
                )
                break
              }
              default: {
                reader.skipType(tag & 7)
                break
              }
            }
          }

          return obj
        },
        function* (reader, length, prefix, opts = {}) {
          const obj = {
            oneTimePrekeys: 0,
          }

          const end = length == null ? reader.len : reader.pos + length

          while (reader.pos < end) {
            const tag = reader.uint32()

            switch (tag >>> 3) {
              case 1: {
                yield {
                  field: `${prefix}.publishedMs`,
                  value: reader.uint64Number(),
                }
                break
              }
              case 2: {
                yield {
                  field: `${prefix}.expiresMs`,
                  value: reader.uint64Number(),
                }
                break
              }
              case 3: {
                yield* PublishedSignedPrekey.codec().stream(
                  reader,
                  reader.uint32(),
                  `${prefix}.signedPrekey`,
                  {
                    limits: opts.limits?.signedPrekey,
                  },
                )

                break
              }
              case 4: {
                if (
                  opts.limits?.oneTimePrekeys != null &&
                  obj.oneTimePrekeys === opts.limits.oneTimePrekeys
                ) {
                  throw new MaxLengthError(
                    'Streaming decode error - repeated field "oneTimePrekeys" had too many elements',
                  )
                }

                for (const evt of PublishedOneTimePrekey.codec().stream(
                  reader,
                  reader.uint32(),
                  `${prefix}.oneTimePrekeys[]`,
                  {
                    limits: opts.limits?.oneTimePrekeys$,
                  },
                )) {
                  yield {
                    ...evt,
                    index: obj.oneTimePrekeys,
                  }
                }

                obj.oneTimePrekeys++

                break
              }
              default: {
                reader.skipType(tag & 7)
                break
              }
            }
          }
        },
      )
    }

    return _codec
  }

  export interface PublishedPrekeysPublishedMsFieldEvent {
    field: '$.publishedMs'
    value: number
  }

  export interface PublishedPrekeysExpiresMsFieldEvent {
    field: '$.expiresMs'
    value: number
  }

  export interface PublishedPrekeysSignedPrekeyIdFieldEvent {
    field: '$.signedPrekey.id'
    value: number
  }

  export interface PublishedPrekeysSignedPrekeyPublicKeyFieldEvent {
    field: '$.signedPrekey.publicKey'
    value: Uint8Array<ArrayBuffer>
  }

  export interface PublishedPrekeysSignedPrekeySignatureFieldEvent {
    field: '$.signedPrekey.signature'
    value: Uint8Array<ArrayBuffer>
  }

  export interface PublishedPrekeysOneTimePrekeysIdFieldEvent {
    field: '$.oneTimePrekeys[].id'
    value: number
    index: number
  }

  export interface PublishedPrekeysOneTimePrekeysPublicKeyFieldEvent {
    field: '$.oneTimePrekeys[].publicKey'
    value: Uint8Array<ArrayBuffer>
    index: number
  }

  export function encode(obj: Partial<PublishedPrekeys>): Uint8Array<ArrayBuffer> {
    return encodeMessage(obj, PublishedPrekeys.codec())
  }

  export function decode(
    buf: Uint8Array | Uint8ArrayList,
    opts?: DecodeOptions<PublishedPrekeys>,
  ): PublishedPrekeys {
    return decodeMessage(buf, PublishedPrekeys.codec(), opts)
  }

  export function stream(
    buf: Uint8Array | Uint8ArrayList,
    opts?: DecodeOptions<PublishedPrekeys>,
  ): Generator<
    | PublishedPrekeysPublishedMsFieldEvent
    | PublishedPrekeysExpiresMsFieldEvent
    | PublishedPrekeysSignedPrekeyIdFieldEvent
    | PublishedPrekeysSignedPrekeyPublicKeyFieldEvent
    | PublishedPrekeysSignedPrekeySignatureFieldEvent
    | PublishedPrekeysOneTimePrekeysIdFieldEvent
    | PublishedPrekeysOneTimePrekeysPublicKeyFieldEvent
  > {
    return streamMessage(buf, PublishedPrekeys.codec(), opts)
  }
}

export interface PublishedSignedPrekey {
  id: number
  publicKey: Uint8Array<ArrayBuffer>
  signature: Uint8Array<ArrayBuffer>
}

export namespace PublishedSignedPrekey {
  let _codec: Codec<PublishedSignedPrekey>

  export const codec = (): Codec<PublishedSignedPrekey> => {
    if (_codec == null) {
      _codec = message<PublishedSignedPrekey>(
        (obj, w, opts = {}) => {
          if (opts.lengthDelimited !== false) {
            w.fork()
          }

          if (obj.id != null && obj.id !== 0) {
            w.uint32(8)
            w.uint32(obj.id)
          }

          if (obj.publicKey != null && obj.publicKey.byteLength > 0) {
            w.uint32(18)
            w.bytes(obj.publicKey)
          }

          if (obj.signature != null && obj.signature.byteLength > 0) {
            w.uint32(26)
            w.bytes(obj.signature)
          }

          if (opts.lengthDelimited !== false) {
            w.ldelim()
          }
        },
        (reader, length, opts = {}) => {
          const obj: any = {
            id: 0,
            publicKey: uint8ArrayAlloc(0),
            signature: uint8ArrayAlloc(0),
          }

          const end = length == null ? reader.len : reader.pos + length

          while (reader.pos < end) {
            const tag = reader.uint32()

            switch (tag >>> 3) {
              case 1: {
                obj.id = reader.uint32()
                break
              }
              case 2: {
                obj.publicKey = reader.bytes()
                break
              }
              case 3: {
                obj.signature = reader.bytes()
                break
              }
              default: {
                reader.skipType(tag & 7)
                break
              }
            }
          }

          return obj
        },
        function* (reader, length, prefix, opts = {}) {
          const end = length == null ? reader.len : reader.pos + length

          while (reader.pos < end) {
            const tag = reader.uint32()

            switch (tag >>> 3) {
              case 1: {
                yield {
                  field: `${prefix}.id`,
                  value: reader.uint32(),
                }
                break
              }
              case 2: {
                yield {
                  field: `${prefix}.publicKey`,
                  value: reader.bytes(),
                }
                break
              }
              case 3: {
                yield {
                  field: `${prefix}.signature`,
                  value: reader.bytes(),
                }
                break
              }
              default: {
                reader.skipType(tag & 7)
                break
              }
            }
          }
        },
      )
    }

    return _codec
  }

  export interface PublishedSignedPrekeyIdFieldEvent {
    field: '$.id'
    value: number
  }

  export interface PublishedSignedPrekeyPublicKeyFieldEvent {
    field: '$.publicKey'
    value: Uint8Array<ArrayBuffer>
  }

  export interface PublishedSignedPrekeySignatureFieldEvent {
    field: '$.signature'
    value: Uint8Array<ArrayBuffer>
  }

  export function encode(obj: Partial<PublishedSignedPrekey>): Uint8Array<ArrayBuffer> {
    return encodeMessage(obj, PublishedSignedPrekey.codec())
  }

  export function decode(
    buf: Uint8Array | Uint8ArrayList,
    opts?: DecodeOptions<PublishedSignedPrekey>,
  ): PublishedSignedPrekey {
    return decodeMessage(buf, PublishedSignedPrekey.codec(), opts)
  }

  export function stream(
    buf: Uint8Array | Uint8ArrayList,
    opts?: DecodeOptions<PublishedSignedPrekey>,
  ): Generator<
    | PublishedSignedPrekeyIdFieldEvent
    | PublishedSignedPrekeyPublicKeyFieldEvent
    | PublishedSignedPrekeySignatureFieldEvent
  > {
    return streamMessage(buf, PublishedSignedPrekey.codec(), opts)
  }
}

export interface PublishedOneTimePrekey {
  id: number
  publicKey: Uint8Array<ArrayBuffer>
}

export namespace PublishedOneTimePrekey {
  let _codec: Codec<PublishedOneTimePrekey>

  export const codec = (): Codec<PublishedOneTimePrekey> => {
    if (_codec == null) {
      _codec = message<PublishedOneTimePrekey>(
        (obj, w, opts = {}) => {
          if (opts.lengthDelimited !== false) {
            w.fork()
          }

          if (obj.id != null && obj.id !== 0) {
            w.uint32(8)
            w.uint32(obj.id)
          }

          if (obj.publicKey != null && obj.publicKey.byteLength > 0) {
            w.uint32(18)
            w.bytes(obj.publicKey)
          }

          if (opts.lengthDelimited !== false) {
            w.ldelim()
          }
        },
        (reader, length, opts = {}) => {
          const obj: any = {
            id: 0,
            publicKey: uint8ArrayAlloc(0),
          }

          const end = length == null ? reader.len : reader.pos + length

          while (reader.pos < end) {
            const tag = reader.uint32()

            switch (tag >>> 3) {
              case 1: {
                obj.id = reader.uint32()
                break
              }
              case 2: {
                obj.publicKey = reader.bytes()
                break
              }
              default: {
                reader.skipType(tag & 7)
                break
              }
            }
          }

          return obj
        },
        function* (reader, length, prefix, opts = {}) {
          const end = length == null ? reader.len : reader.pos + length

          while (reader.pos < end) {
            const tag = reader.uint32()

            switch (tag >>> 3) {
              case 1: {
                yield {
                  field: `${prefix}.id`,
                  value: reader.uint32(),
                }
                break
              }
              case 2: {
                yield {
                  field: `${prefix}.publicKey`,
                  value: reader.bytes(),
                }
                break
              }
              default: {
                reader.skipType(tag & 7)
                break
              }
            }
          }
        },
      )
    }

    return _codec
  }

  export interface PublishedOneTimePrekeyIdFieldEvent {
    field: '$.id'
    value: number
  }

  export interface PublishedOneTimePrekeyPublicKeyFieldEvent {
    field: '$.publicKey'
    value: Uint8Array<ArrayBuffer>
  }

  export function encode(obj: Partial<PublishedOneTimePrekey>): Uint8Array<ArrayBuffer> {
    return encodeMessage(obj, PublishedOneTimePrekey.codec())
  }

  export function decode(
    buf: Uint8Array | Uint8ArrayList,
    opts?: DecodeOptions<PublishedOneTimePrekey>,
  ): PublishedOneTimePrekey {
    return decodeMessage(buf, PublishedOneTimePrekey.codec(), opts)
  }

  export function stream(
    buf: Uint8Array | Uint8ArrayList,
    opts?: DecodeOptions<PublishedOneTimePrekey>,
  ): Generator<PublishedOneTimePrekeyIdFieldEvent | PublishedOneTimePrekeyPublicKeyFieldEvent> {
    return streamMessage(buf, PublishedOneTimePrekey.codec(), opts)
  }
}
