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

export interface NameRecord {
  name: string
  publicKey: Uint8Array<ArrayBuffer>
  relayPublicKey: Uint8Array<ArrayBuffer>
  issuedMs: bigint
  expiresMs: bigint
}

export namespace NameRecord {
  let _codec: Codec<NameRecord>

  export const codec = (): Codec<NameRecord> => {
    if (_codec == null) {
      _codec = message<NameRecord>(
        (obj, w, opts = {}) => {
          if (opts.lengthDelimited !== false) {
            w.fork()
          }

          if (obj.name != null && obj.name !== '') {
            w.uint32(10)
            w.string(obj.name)
          }

          if (obj.publicKey != null && obj.publicKey.byteLength > 0) {
            w.uint32(18)
            w.bytes(obj.publicKey)
          }

          if (obj.relayPublicKey != null && obj.relayPublicKey.byteLength > 0) {
            w.uint32(26)
            w.bytes(obj.relayPublicKey)
          }

          if (obj.issuedMs != null && obj.issuedMs !== 0n) {
            w.uint32(32)
            w.uint64(obj.issuedMs)
          }

          if (obj.expiresMs != null && obj.expiresMs !== 0n) {
            w.uint32(40)
            w.uint64(obj.expiresMs)
          }

          if (opts.lengthDelimited !== false) {
            w.ldelim()
          }
        },
        (reader, length, opts = {}) => {
          const obj: any = {
            name: '',
            publicKey: uint8ArrayAlloc(0),
            relayPublicKey: uint8ArrayAlloc(0),
            issuedMs: 0n,
            expiresMs: 0n,
          }

          const end = length == null ? reader.len : reader.pos + length

          while (reader.pos < end) {
            const tag = reader.uint32()

            switch (tag >>> 3) {
              case 1: {
                obj.name = reader.string()
                break
              }
              case 2: {
                obj.publicKey = reader.bytes()
                break
              }
              case 3: {
                obj.relayPublicKey = reader.bytes()
                break
              }
              case 4: {
                obj.issuedMs = reader.uint64()
                break
              }
              case 5: {
                obj.expiresMs = reader.uint64()
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
                  field: `${prefix}.name`,
                  value: reader.string(),
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
                  field: `${prefix}.relayPublicKey`,
                  value: reader.bytes(),
                }
                break
              }
              case 4: {
                yield {
                  field: `${prefix}.issuedMs`,
                  value: reader.uint64(),
                }
                break
              }
              case 5: {
                yield {
                  field: `${prefix}.expiresMs`,
                  value: reader.uint64(),
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

  export interface NameRecordNameFieldEvent {
    field: '$.name'
    value: string
  }

  export interface NameRecordPublicKeyFieldEvent {
    field: '$.publicKey'
    value: Uint8Array<ArrayBuffer>
  }

  export interface NameRecordRelayPublicKeyFieldEvent {
    field: '$.relayPublicKey'
    value: Uint8Array<ArrayBuffer>
  }

  export interface NameRecordIssuedMsFieldEvent {
    field: '$.issuedMs'
    value: bigint
  }

  export interface NameRecordExpiresMsFieldEvent {
    field: '$.expiresMs'
    value: bigint
  }

  export function encode(obj: Partial<NameRecord>): Uint8Array<ArrayBuffer> {
    return encodeMessage(obj, NameRecord.codec())
  }

  export function decode(
    buf: Uint8Array | Uint8ArrayList,
    opts?: DecodeOptions<NameRecord>,
  ): NameRecord {
    return decodeMessage(buf, NameRecord.codec(), opts)
  }

  export function stream(
    buf: Uint8Array | Uint8ArrayList,
    opts?: DecodeOptions<NameRecord>,
  ): Generator<
    | NameRecordNameFieldEvent
    | NameRecordPublicKeyFieldEvent
    | NameRecordRelayPublicKeyFieldEvent
    | NameRecordIssuedMsFieldEvent
    | NameRecordExpiresMsFieldEvent
  > {
    return streamMessage(buf, NameRecord.codec(), opts)
  }
}

export interface Profile {
  displayName: string
  bio: string
  avatarHash: Uint8Array<ArrayBuffer>
  email: string
  gender: string
  age: number
  updatedMs: bigint
}

export namespace Profile {
  let _codec: Codec<Profile>

  export const codec = (): Codec<Profile> => {
    if (_codec == null) {
      _codec = message<Profile>(
        (obj, w, opts = {}) => {
          if (opts.lengthDelimited !== false) {
            w.fork()
          }

          if (obj.displayName != null && obj.displayName !== '') {
            w.uint32(10)
            w.string(obj.displayName)
          }

          if (obj.bio != null && obj.bio !== '') {
            w.uint32(18)
            w.string(obj.bio)
          }

          if (obj.avatarHash != null && obj.avatarHash.byteLength > 0) {
            w.uint32(26)
            w.bytes(obj.avatarHash)
          }

          if (obj.email != null && obj.email !== '') {
            w.uint32(34)
            w.string(obj.email)
          }

          if (obj.gender != null && obj.gender !== '') {
            w.uint32(42)
            w.string(obj.gender)
          }

          if (obj.age != null && obj.age !== 0) {
            w.uint32(48)
            w.uint32(obj.age)
          }

          if (obj.updatedMs != null && obj.updatedMs !== 0n) {
            w.uint32(56)
            w.uint64(obj.updatedMs)
          }

          if (opts.lengthDelimited !== false) {
            w.ldelim()
          }
        },
        (reader, length, opts = {}) => {
          const obj: any = {
            displayName: '',
            bio: '',
            avatarHash: uint8ArrayAlloc(0),
            email: '',
            gender: '',
            age: 0,
            updatedMs: 0n,
          }

          const end = length == null ? reader.len : reader.pos + length

          while (reader.pos < end) {
            const tag = reader.uint32()

            switch (tag >>> 3) {
              case 1: {
                obj.displayName = reader.string()
                break
              }
              case 2: {
                obj.bio = reader.string()
                break
              }
              case 3: {
                obj.avatarHash = reader.bytes()
                break
              }
              case 4: {
                obj.email = reader.string()
                break
              }
              case 5: {
                obj.gender = reader.string()
                break
              }
              case 6: {
                obj.age = reader.uint32()
                break
              }
              case 7: {
                obj.updatedMs = reader.uint64()
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
                  field: `${prefix}.displayName`,
                  value: reader.string(),
                }
                break
              }
              case 2: {
                yield {
                  field: `${prefix}.bio`,
                  value: reader.string(),
                }
                break
              }
              case 3: {
                yield {
                  field: `${prefix}.avatarHash`,
                  value: reader.bytes(),
                }
                break
              }
              case 4: {
                yield {
                  field: `${prefix}.email`,
                  value: reader.string(),
                }
                break
              }
              case 5: {
                yield {
                  field: `${prefix}.gender`,
                  value: reader.string(),
                }
                break
              }
              case 6: {
                yield {
                  field: `${prefix}.age`,
                  value: reader.uint32(),
                }
                break
              }
              case 7: {
                yield {
                  field: `${prefix}.updatedMs`,
                  value: reader.uint64(),
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

  export interface ProfileDisplayNameFieldEvent {
    field: '$.displayName'
    value: string
  }

  export interface ProfileBioFieldEvent {
    field: '$.bio'
    value: string
  }

  export interface ProfileAvatarHashFieldEvent {
    field: '$.avatarHash'
    value: Uint8Array<ArrayBuffer>
  }

  export interface ProfileEmailFieldEvent {
    field: '$.email'
    value: string
  }

  export interface ProfileGenderFieldEvent {
    field: '$.gender'
    value: string
  }

  export interface ProfileAgeFieldEvent {
    field: '$.age'
    value: number
  }

  export interface ProfileUpdatedMsFieldEvent {
    field: '$.updatedMs'
    value: bigint
  }

  export function encode(obj: Partial<Profile>): Uint8Array<ArrayBuffer> {
    return encodeMessage(obj, Profile.codec())
  }

  export function decode(buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<Profile>): Profile {
    return decodeMessage(buf, Profile.codec(), opts)
  }

  export function stream(
    buf: Uint8Array | Uint8ArrayList,
    opts?: DecodeOptions<Profile>,
  ): Generator<
    | ProfileDisplayNameFieldEvent
    | ProfileBioFieldEvent
    | ProfileAvatarHashFieldEvent
    | ProfileEmailFieldEvent
    | ProfileGenderFieldEvent
    | ProfileAgeFieldEvent
    | ProfileUpdatedMsFieldEvent
  > {
    return streamMessage(buf, Profile.codec(), opts)
  }
}

export interface ClaimProof {
  challenge: Uint8Array<ArrayBuffer>
  name: string
  relayPublicKey: Uint8Array<ArrayBuffer>
  action: number
}

export namespace ClaimProof {
  let _codec: Codec<ClaimProof>

  export const codec = (): Codec<ClaimProof> => {
    if (_codec == null) {
      _codec = message<ClaimProof>(
        (obj, w, opts = {}) => {
          if (opts.lengthDelimited !== false) {
            w.fork()
          }

          if (obj.challenge != null && obj.challenge.byteLength > 0) {
            w.uint32(10)
            w.bytes(obj.challenge)
          }

          if (obj.name != null && obj.name !== '') {
            w.uint32(18)
            w.string(obj.name)
          }

          if (obj.relayPublicKey != null && obj.relayPublicKey.byteLength > 0) {
            w.uint32(26)
            w.bytes(obj.relayPublicKey)
          }

          if (obj.action != null && obj.action !== 0) {
            w.uint32(32)
            w.uint32(obj.action)
          }

          if (opts.lengthDelimited !== false) {
            w.ldelim()
          }
        },
        (reader, length, opts = {}) => {
          const obj: any = {
            challenge: uint8ArrayAlloc(0),
            name: '',
            relayPublicKey: uint8ArrayAlloc(0),
            action: 0,
          }

          const end = length == null ? reader.len : reader.pos + length

          while (reader.pos < end) {
            const tag = reader.uint32()

            switch (tag >>> 3) {
              case 1: {
                obj.challenge = reader.bytes()
                break
              }
              case 2: {
                obj.name = reader.string()
                break
              }
              case 3: {
                obj.relayPublicKey = reader.bytes()
                break
              }
              case 4: {
                obj.action = reader.uint32()
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
                  field: `${prefix}.challenge`,
                  value: reader.bytes(),
                }
                break
              }
              case 2: {
                yield {
                  field: `${prefix}.name`,
                  value: reader.string(),
                }
                break
              }
              case 3: {
                yield {
                  field: `${prefix}.relayPublicKey`,
                  value: reader.bytes(),
                }
                break
              }
              case 4: {
                yield {
                  field: `${prefix}.action`,
                  value: reader.uint32(),
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

  export interface ClaimProofChallengeFieldEvent {
    field: '$.challenge'
    value: Uint8Array<ArrayBuffer>
  }

  export interface ClaimProofNameFieldEvent {
    field: '$.name'
    value: string
  }

  export interface ClaimProofRelayPublicKeyFieldEvent {
    field: '$.relayPublicKey'
    value: Uint8Array<ArrayBuffer>
  }

  export interface ClaimProofActionFieldEvent {
    field: '$.action'
    value: number
  }

  export function encode(obj: Partial<ClaimProof>): Uint8Array<ArrayBuffer> {
    return encodeMessage(obj, ClaimProof.codec())
  }

  export function decode(
    buf: Uint8Array | Uint8ArrayList,
    opts?: DecodeOptions<ClaimProof>,
  ): ClaimProof {
    return decodeMessage(buf, ClaimProof.codec(), opts)
  }

  export function stream(
    buf: Uint8Array | Uint8ArrayList,
    opts?: DecodeOptions<ClaimProof>,
  ): Generator<
    | ClaimProofChallengeFieldEvent
    | ClaimProofNameFieldEvent
    | ClaimProofRelayPublicKeyFieldEvent
    | ClaimProofActionFieldEvent
  > {
    return streamMessage(buf, ClaimProof.codec(), opts)
  }
}

export interface SessionSupersededNotice {
  announcement: Uint8Array<ArrayBuffer>
  relayPublicKey: Uint8Array<ArrayBuffer>
  supersededCounter: bigint
}

export namespace SessionSupersededNotice {
  let _codec: Codec<SessionSupersededNotice>

  export const codec = (): Codec<SessionSupersededNotice> => {
    if (_codec == null) {
      _codec = message<SessionSupersededNotice>(
        (obj, w, opts = {}) => {
          if (opts.lengthDelimited !== false) {
            w.fork()
          }

          if (obj.announcement != null && obj.announcement.byteLength > 0) {
            w.uint32(10)
            w.bytes(obj.announcement)
          }

          if (obj.relayPublicKey != null && obj.relayPublicKey.byteLength > 0) {
            w.uint32(18)
            w.bytes(obj.relayPublicKey)
          }

          if (obj.supersededCounter != null && obj.supersededCounter !== 0n) {
            w.uint32(24)
            w.uint64(obj.supersededCounter)
          }

          if (opts.lengthDelimited !== false) {
            w.ldelim()
          }
        },
        (reader, length, opts = {}) => {
          const obj: any = {
            announcement: uint8ArrayAlloc(0),
            relayPublicKey: uint8ArrayAlloc(0),
            supersededCounter: 0n,
          }

          const end = length == null ? reader.len : reader.pos + length

          while (reader.pos < end) {
            const tag = reader.uint32()

            switch (tag >>> 3) {
              case 1: {
                obj.announcement = reader.bytes()
                break
              }
              case 2: {
                obj.relayPublicKey = reader.bytes()
                break
              }
              case 3: {
                obj.supersededCounter = reader.uint64()
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
                  field: `${prefix}.announcement`,
                  value: reader.bytes(),
                }
                break
              }
              case 2: {
                yield {
                  field: `${prefix}.relayPublicKey`,
                  value: reader.bytes(),
                }
                break
              }
              case 3: {
                yield {
                  field: `${prefix}.supersededCounter`,
                  value: reader.uint64(),
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

  export interface SessionSupersededNoticeAnnouncementFieldEvent {
    field: '$.announcement'
    value: Uint8Array<ArrayBuffer>
  }

  export interface SessionSupersededNoticeRelayPublicKeyFieldEvent {
    field: '$.relayPublicKey'
    value: Uint8Array<ArrayBuffer>
  }

  export interface SessionSupersededNoticeSupersededCounterFieldEvent {
    field: '$.supersededCounter'
    value: bigint
  }

  export function encode(obj: Partial<SessionSupersededNotice>): Uint8Array<ArrayBuffer> {
    return encodeMessage(obj, SessionSupersededNotice.codec())
  }

  export function decode(
    buf: Uint8Array | Uint8ArrayList,
    opts?: DecodeOptions<SessionSupersededNotice>,
  ): SessionSupersededNotice {
    return decodeMessage(buf, SessionSupersededNotice.codec(), opts)
  }

  export function stream(
    buf: Uint8Array | Uint8ArrayList,
    opts?: DecodeOptions<SessionSupersededNotice>,
  ): Generator<
    | SessionSupersededNoticeAnnouncementFieldEvent
    | SessionSupersededNoticeRelayPublicKeyFieldEvent
    | SessionSupersededNoticeSupersededCounterFieldEvent
  > {
    return streamMessage(buf, SessionSupersededNotice.codec(), opts)
  }
}

export interface ClaimStart {
  name: string
}

export namespace ClaimStart {
  let _codec: Codec<ClaimStart>

  export const codec = (): Codec<ClaimStart> => {
    if (_codec == null) {
      _codec = message<ClaimStart>(
        (obj, w, opts = {}) => {
          if (opts.lengthDelimited !== false) {
            w.fork()
          }

          if (obj.name != null && obj.name !== '') {
            w.uint32(10)
            w.string(obj.name)
          }

          if (opts.lengthDelimited !== false) {
            w.ldelim()
          }
        },
        (reader, length, opts = {}) => {
          const obj: any = {
            name: '',
          }

          const end = length == null ? reader.len : reader.pos + length

          while (reader.pos < end) {
            const tag = reader.uint32()

            switch (tag >>> 3) {
              case 1: {
                obj.name = reader.string()
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
                  field: `${prefix}.name`,
                  value: reader.string(),
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

  export interface ClaimStartNameFieldEvent {
    field: '$.name'
    value: string
  }

  export function encode(obj: Partial<ClaimStart>): Uint8Array<ArrayBuffer> {
    return encodeMessage(obj, ClaimStart.codec())
  }

  export function decode(
    buf: Uint8Array | Uint8ArrayList,
    opts?: DecodeOptions<ClaimStart>,
  ): ClaimStart {
    return decodeMessage(buf, ClaimStart.codec(), opts)
  }

  export function stream(
    buf: Uint8Array | Uint8ArrayList,
    opts?: DecodeOptions<ClaimStart>,
  ): Generator<ClaimStartNameFieldEvent> {
    return streamMessage(buf, ClaimStart.codec(), opts)
  }
}

export interface ClaimAnswer {
  proof: Uint8Array<ArrayBuffer>
  workNonce: Uint8Array<ArrayBuffer>
  inviteCode: string
  verificationId: Uint8Array<ArrayBuffer>
  verificationCode: string
}

export namespace ClaimAnswer {
  let _codec: Codec<ClaimAnswer>

  export const codec = (): Codec<ClaimAnswer> => {
    if (_codec == null) {
      _codec = message<ClaimAnswer>(
        (obj, w, opts = {}) => {
          if (opts.lengthDelimited !== false) {
            w.fork()
          }

          if (obj.proof != null && obj.proof.byteLength > 0) {
            w.uint32(10)
            w.bytes(obj.proof)
          }

          if (obj.workNonce != null && obj.workNonce.byteLength > 0) {
            w.uint32(18)
            w.bytes(obj.workNonce)
          }

          if (obj.inviteCode != null && obj.inviteCode !== '') {
            w.uint32(26)
            w.string(obj.inviteCode)
          }

          if (obj.verificationId != null && obj.verificationId.byteLength > 0) {
            w.uint32(34)
            w.bytes(obj.verificationId)
          }

          if (obj.verificationCode != null && obj.verificationCode !== '') {
            w.uint32(42)
            w.string(obj.verificationCode)
          }

          if (opts.lengthDelimited !== false) {
            w.ldelim()
          }
        },
        (reader, length, opts = {}) => {
          const obj: any = {
            proof: uint8ArrayAlloc(0),
            workNonce: uint8ArrayAlloc(0),
            inviteCode: '',
            verificationId: uint8ArrayAlloc(0),
            verificationCode: '',
          }

          const end = length == null ? reader.len : reader.pos + length

          while (reader.pos < end) {
            const tag = reader.uint32()

            switch (tag >>> 3) {
              case 1: {
                obj.proof = reader.bytes()
                break
              }
              case 2: {
                obj.workNonce = reader.bytes()
                break
              }
              case 3: {
                obj.inviteCode = reader.string()
                break
              }
              case 4: {
                obj.verificationId = reader.bytes()
                break
              }
              case 5: {
                obj.verificationCode = reader.string()
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
                  field: `${prefix}.proof`,
                  value: reader.bytes(),
                }
                break
              }
              case 2: {
                yield {
                  field: `${prefix}.workNonce`,
                  value: reader.bytes(),
                }
                break
              }
              case 3: {
                yield {
                  field: `${prefix}.inviteCode`,
                  value: reader.string(),
                }
                break
              }
              case 4: {
                yield {
                  field: `${prefix}.verificationId`,
                  value: reader.bytes(),
                }
                break
              }
              case 5: {
                yield {
                  field: `${prefix}.verificationCode`,
                  value: reader.string(),
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

  export interface ClaimAnswerProofFieldEvent {
    field: '$.proof'
    value: Uint8Array<ArrayBuffer>
  }

  export interface ClaimAnswerWorkNonceFieldEvent {
    field: '$.workNonce'
    value: Uint8Array<ArrayBuffer>
  }

  export interface ClaimAnswerInviteCodeFieldEvent {
    field: '$.inviteCode'
    value: string
  }

  export interface ClaimAnswerVerificationIdFieldEvent {
    field: '$.verificationId'
    value: Uint8Array<ArrayBuffer>
  }

  export interface ClaimAnswerVerificationCodeFieldEvent {
    field: '$.verificationCode'
    value: string
  }

  export function encode(obj: Partial<ClaimAnswer>): Uint8Array<ArrayBuffer> {
    return encodeMessage(obj, ClaimAnswer.codec())
  }

  export function decode(
    buf: Uint8Array | Uint8ArrayList,
    opts?: DecodeOptions<ClaimAnswer>,
  ): ClaimAnswer {
    return decodeMessage(buf, ClaimAnswer.codec(), opts)
  }

  export function stream(
    buf: Uint8Array | Uint8ArrayList,
    opts?: DecodeOptions<ClaimAnswer>,
  ): Generator<
    | ClaimAnswerProofFieldEvent
    | ClaimAnswerWorkNonceFieldEvent
    | ClaimAnswerInviteCodeFieldEvent
    | ClaimAnswerVerificationIdFieldEvent
    | ClaimAnswerVerificationCodeFieldEvent
  > {
    return streamMessage(buf, ClaimAnswer.codec(), opts)
  }
}

export interface VerificationStart {
  method: string
  address: string
}

export namespace VerificationStart {
  let _codec: Codec<VerificationStart>

  export const codec = (): Codec<VerificationStart> => {
    if (_codec == null) {
      _codec = message<VerificationStart>(
        (obj, w, opts = {}) => {
          if (opts.lengthDelimited !== false) {
            w.fork()
          }

          if (obj.method != null && obj.method !== '') {
            w.uint32(10)
            w.string(obj.method)
          }

          if (obj.address != null && obj.address !== '') {
            w.uint32(18)
            w.string(obj.address)
          }

          if (opts.lengthDelimited !== false) {
            w.ldelim()
          }
        },
        (reader, length, opts = {}) => {
          const obj: any = {
            method: '',
            address: '',
          }

          const end = length == null ? reader.len : reader.pos + length

          while (reader.pos < end) {
            const tag = reader.uint32()

            switch (tag >>> 3) {
              case 1: {
                obj.method = reader.string()
                break
              }
              case 2: {
                obj.address = reader.string()
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
                  field: `${prefix}.method`,
                  value: reader.string(),
                }
                break
              }
              case 2: {
                yield {
                  field: `${prefix}.address`,
                  value: reader.string(),
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

  export interface VerificationStartMethodFieldEvent {
    field: '$.method'
    value: string
  }

  export interface VerificationStartAddressFieldEvent {
    field: '$.address'
    value: string
  }

  export function encode(obj: Partial<VerificationStart>): Uint8Array<ArrayBuffer> {
    return encodeMessage(obj, VerificationStart.codec())
  }

  export function decode(
    buf: Uint8Array | Uint8ArrayList,
    opts?: DecodeOptions<VerificationStart>,
  ): VerificationStart {
    return decodeMessage(buf, VerificationStart.codec(), opts)
  }

  export function stream(
    buf: Uint8Array | Uint8ArrayList,
    opts?: DecodeOptions<VerificationStart>,
  ): Generator<VerificationStartMethodFieldEvent | VerificationStartAddressFieldEvent> {
    return streamMessage(buf, VerificationStart.codec(), opts)
  }
}

export interface VerificationQuery {
  id: Uint8Array<ArrayBuffer>
}

export namespace VerificationQuery {
  let _codec: Codec<VerificationQuery>

  export const codec = (): Codec<VerificationQuery> => {
    if (_codec == null) {
      _codec = message<VerificationQuery>(
        (obj, w, opts = {}) => {
          if (opts.lengthDelimited !== false) {
            w.fork()
          }

          if (obj.id != null && obj.id.byteLength > 0) {
            w.uint32(10)
            w.bytes(obj.id)
          }

          if (opts.lengthDelimited !== false) {
            w.ldelim()
          }
        },
        (reader, length, opts = {}) => {
          const obj: any = {
            id: uint8ArrayAlloc(0),
          }

          const end = length == null ? reader.len : reader.pos + length

          while (reader.pos < end) {
            const tag = reader.uint32()

            switch (tag >>> 3) {
              case 1: {
                obj.id = reader.bytes()
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

  export interface VerificationQueryIdFieldEvent {
    field: '$.id'
    value: Uint8Array<ArrayBuffer>
  }

  export function encode(obj: Partial<VerificationQuery>): Uint8Array<ArrayBuffer> {
    return encodeMessage(obj, VerificationQuery.codec())
  }

  export function decode(
    buf: Uint8Array | Uint8ArrayList,
    opts?: DecodeOptions<VerificationQuery>,
  ): VerificationQuery {
    return decodeMessage(buf, VerificationQuery.codec(), opts)
  }

  export function stream(
    buf: Uint8Array | Uint8ArrayList,
    opts?: DecodeOptions<VerificationQuery>,
  ): Generator<VerificationQueryIdFieldEvent> {
    return streamMessage(buf, VerificationQuery.codec(), opts)
  }
}

export interface Lookup {
  name: string
}

export namespace Lookup {
  let _codec: Codec<Lookup>

  export const codec = (): Codec<Lookup> => {
    if (_codec == null) {
      _codec = message<Lookup>(
        (obj, w, opts = {}) => {
          if (opts.lengthDelimited !== false) {
            w.fork()
          }

          if (obj.name != null && obj.name !== '') {
            w.uint32(10)
            w.string(obj.name)
          }

          if (opts.lengthDelimited !== false) {
            w.ldelim()
          }
        },
        (reader, length, opts = {}) => {
          const obj: any = {
            name: '',
          }

          const end = length == null ? reader.len : reader.pos + length

          while (reader.pos < end) {
            const tag = reader.uint32()

            switch (tag >>> 3) {
              case 1: {
                obj.name = reader.string()
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
                  field: `${prefix}.name`,
                  value: reader.string(),
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

  export interface LookupNameFieldEvent {
    field: '$.name'
    value: string
  }

  export function encode(obj: Partial<Lookup>): Uint8Array<ArrayBuffer> {
    return encodeMessage(obj, Lookup.codec())
  }

  export function decode(buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<Lookup>): Lookup {
    return decodeMessage(buf, Lookup.codec(), opts)
  }

  export function stream(
    buf: Uint8Array | Uint8ArrayList,
    opts?: DecodeOptions<Lookup>,
  ): Generator<LookupNameFieldEvent> {
    return streamMessage(buf, Lookup.codec(), opts)
  }
}

export interface NameMove {
  rotations: Uint8Array<ArrayBuffer>[]
  recoveries: Uint8Array<ArrayBuffer>[]
}

export namespace NameMove {
  let _codec: Codec<NameMove>

  export const codec = (): Codec<NameMove> => {
    if (_codec == null) {
      _codec = message<NameMove>(
        (obj, w, opts = {}) => {
          if (opts.lengthDelimited !== false) {
            w.fork()
          }

          if (obj.rotations != null && obj.rotations.length > 0) {
            for (const value of obj.rotations) {
              w.uint32(10)
              w.bytes(value)
            }
          }

          if (obj.recoveries != null && obj.recoveries.length > 0) {
            for (const value of obj.recoveries) {
              w.uint32(18)
              w.bytes(value)
            }
          }

          if (opts.lengthDelimited !== false) {
            w.ldelim()
          }
        },
        (reader, length, opts = {}) => {
          const obj: any = {
            rotations: [],
            recoveries: [],
          }

          const end = length == null ? reader.len : reader.pos + length

          while (reader.pos < end) {
            const tag = reader.uint32()

            switch (tag >>> 3) {
              case 1: {
                if (
                  opts.limits?.rotations != null &&
                  obj.rotations.length === opts.limits.rotations
                ) {
                  throw new MaxLengthError(
                    'Decode error - repeated field "rotations" had too many elements',
                  )
                }

                obj.rotations.push(reader.bytes())
                break
              }
              case 2: {
                if (
                  opts.limits?.recoveries != null &&
                  obj.recoveries.length === opts.limits.recoveries
                ) {
                  throw new MaxLengthError(
                    'Decode error - repeated field "recoveries" had too many elements',
                  )
                }

                obj.recoveries.push(reader.bytes())
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
            rotations: 0,
            recoveries: 0,
          }

          const end = length == null ? reader.len : reader.pos + length

          while (reader.pos < end) {
            const tag = reader.uint32()

            switch (tag >>> 3) {
              case 1: {
                if (opts.limits?.rotations != null && obj.rotations === opts.limits.rotations) {
                  throw new MaxLengthError(
                    'Streaming decode error - repeated field "rotations" had too many elements',
                  )
                }

                yield {
                  field: `${prefix}.rotations[]`,
                  index: obj.rotations,
                  value: reader.bytes(),
                }

                obj.rotations++

                break
              }
              case 2: {
                if (opts.limits?.recoveries != null && obj.recoveries === opts.limits.recoveries) {
                  throw new MaxLengthError(
                    'Streaming decode error - repeated field "recoveries" had too many elements',
                  )
                }

                yield {
                  field: `${prefix}.recoveries[]`,
                  index: obj.recoveries,
                  value: reader.bytes(),
                }

                obj.recoveries++

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

  export interface NameMoveRotationsFieldEvent {
    field: '$.rotations[]'
    index: number
    value: Uint8Array<ArrayBuffer>
  }

  export interface NameMoveRecoveriesFieldEvent {
    field: '$.recoveries[]'
    index: number
    value: Uint8Array<ArrayBuffer>
  }

  export function encode(obj: Partial<NameMove>): Uint8Array<ArrayBuffer> {
    return encodeMessage(obj, NameMove.codec())
  }

  export function decode(
    buf: Uint8Array | Uint8ArrayList,
    opts?: DecodeOptions<NameMove>,
  ): NameMove {
    return decodeMessage(buf, NameMove.codec(), opts)
  }

  export function stream(
    buf: Uint8Array | Uint8ArrayList,
    opts?: DecodeOptions<NameMove>,
  ): Generator<NameMoveRotationsFieldEvent | NameMoveRecoveriesFieldEvent> {
    return streamMessage(buf, NameMove.codec(), opts)
  }
}

export interface Search {
  prefix: string
  limit: number
}

export namespace Search {
  let _codec: Codec<Search>

  export const codec = (): Codec<Search> => {
    if (_codec == null) {
      _codec = message<Search>(
        (obj, w, opts = {}) => {
          if (opts.lengthDelimited !== false) {
            w.fork()
          }

          if (obj.prefix != null && obj.prefix !== '') {
            w.uint32(10)
            w.string(obj.prefix)
          }

          if (obj.limit != null && obj.limit !== 0) {
            w.uint32(16)
            w.uint32(obj.limit)
          }

          if (opts.lengthDelimited !== false) {
            w.ldelim()
          }
        },
        (reader, length, opts = {}) => {
          const obj: any = {
            prefix: '',
            limit: 0,
          }

          const end = length == null ? reader.len : reader.pos + length

          while (reader.pos < end) {
            const tag = reader.uint32()

            switch (tag >>> 3) {
              case 1: {
                obj.prefix = reader.string()
                break
              }
              case 2: {
                obj.limit = reader.uint32()
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
                  field: `${prefix}.prefix`,
                  value: reader.string(),
                }
                break
              }
              case 2: {
                yield {
                  field: `${prefix}.limit`,
                  value: reader.uint32(),
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

  export interface SearchPrefixFieldEvent {
    field: '$.prefix'
    value: string
  }

  export interface SearchLimitFieldEvent {
    field: '$.limit'
    value: number
  }

  export function encode(obj: Partial<Search>): Uint8Array<ArrayBuffer> {
    return encodeMessage(obj, Search.codec())
  }

  export function decode(buf: Uint8Array | Uint8ArrayList, opts?: DecodeOptions<Search>): Search {
    return decodeMessage(buf, Search.codec(), opts)
  }

  export function stream(
    buf: Uint8Array | Uint8ArrayList,
    opts?: DecodeOptions<Search>,
  ): Generator<SearchPrefixFieldEvent | SearchLimitFieldEvent> {
    return streamMessage(buf, Search.codec(), opts)
  }
}

export interface DirectoryRequest {
  register?: ClaimStart
  release?: ClaimStart
  answer?: ClaimAnswer
  lookup?: Lookup
  search?: Search
  profile?: Uint8Array<ArrayBuffer>
  announce?: Uint8Array<ArrayBuffer>
  signupPolicy?: boolean
  verify?: VerificationStart
  verification?: VerificationQuery
  move?: NameMove
  iceServers?: boolean
}

export namespace DirectoryRequest {
  let _codec: Codec<DirectoryRequest>

  export const codec = (): Codec<DirectoryRequest> => {
    if (_codec == null) {
      _codec = message<DirectoryRequest>(
        (obj, w, opts = {}) => {
          if (opts.lengthDelimited !== false) {
            w.fork()
          }

          if (obj.register != null) {
            w.uint32(10)
            ClaimStart.codec().encode(obj.register, w)
          }

          if (obj.release != null) {
            w.uint32(18)
            ClaimStart.codec().encode(obj.release, w)
          }

          if (obj.answer != null) {
            w.uint32(26)
            ClaimAnswer.codec().encode(obj.answer, w)
          }

          if (obj.lookup != null) {
            w.uint32(34)
            Lookup.codec().encode(obj.lookup, w)
          }

          if (obj.search != null) {
            w.uint32(42)
            Search.codec().encode(obj.search, w)
          }

          if (obj.profile != null) {
            w.uint32(50)
            w.bytes(obj.profile)
          }

          if (obj.announce != null) {
            w.uint32(58)
            w.bytes(obj.announce)
          }

          if (obj.signupPolicy != null) {
            w.uint32(64)
            w.bool(obj.signupPolicy)
          }

          if (obj.verify != null) {
            w.uint32(74)
            VerificationStart.codec().encode(obj.verify, w)
          }

          if (obj.verification != null) {
            w.uint32(82)
            VerificationQuery.codec().encode(obj.verification, w)
          }

          if (obj.move != null) {
            w.uint32(90)
            NameMove.codec().encode(obj.move, w)
          }

          if (obj.iceServers != null) {
            w.uint32(96)
            w.bool(obj.iceServers)
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
                obj.register = ClaimStart.codec().decode(reader, reader.uint32(), {
                  limits: opts.limits?.register,
                })
                break
              }
              case 2: {
                obj.release = ClaimStart.codec().decode(reader, reader.uint32(), {
                  limits: opts.limits?.release,
                })
                break
              }
              case 3: {
                obj.answer = ClaimAnswer.codec().decode(reader, reader.uint32(), {
                  limits: opts.limits?.answer,
                })
                break
              }
              case 4: {
                obj.lookup = Lookup.codec().decode(reader, reader.uint32(), {
                  limits: opts.limits?.lookup,
                })
                break
              }
              case 5: {
                obj.search = Search.codec().decode(reader, reader.uint32(), {
                  limits: opts.limits?.search,
                })
                break
              }
              case 6: {
                obj.profile = reader.bytes()
                break
              }
              case 7: {
                obj.announce = reader.bytes()
                break
              }
              case 8: {
                obj.signupPolicy = reader.bool()
                break
              }
              case 9: {
                obj.verify = VerificationStart.codec().decode(reader, reader.uint32(), {
                  limits: opts.limits?.verify,
                })
                break
              }
              case 10: {
                obj.verification = VerificationQuery.codec().decode(reader, reader.uint32(), {
                  limits: opts.limits?.verification,
                })
                break
              }
              case 11: {
                obj.move = NameMove.codec().decode(reader, reader.uint32(), {
                  limits: opts.limits?.move,
                })
                break
              }
              case 12: {
                obj.iceServers = reader.bool()
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
                yield* ClaimStart.codec().stream(reader, reader.uint32(), `${prefix}.register`, {
                  limits: opts.limits?.register,
                })

                break
              }
              case 2: {
                yield* ClaimStart.codec().stream(reader, reader.uint32(), `${prefix}.release`, {
                  limits: opts.limits?.release,
                })

                break
              }
              case 3: {
                yield* ClaimAnswer.codec().stream(reader, reader.uint32(), `${prefix}.answer`, {
                  limits: opts.limits?.answer,
                })

                break
              }
              case 4: {
                yield* Lookup.codec().stream(reader, reader.uint32(), `${prefix}.lookup`, {
                  limits: opts.limits?.lookup,
                })

                break
              }
              case 5: {
                yield* Search.codec().stream(reader, reader.uint32(), `${prefix}.search`, {
                  limits: opts.limits?.search,
                })

                break
              }
              case 6: {
                yield {
                  field: `${prefix}.profile`,
                  value: reader.bytes(),
                }
                break
              }
              case 7: {
                yield {
                  field: `${prefix}.announce`,
                  value: reader.bytes(),
                }
                break
              }
              case 8: {
                yield {
                  field: `${prefix}.signupPolicy`,
                  value: reader.bool(),
                }
                break
              }
              case 9: {
                yield* VerificationStart.codec().stream(
                  reader,
                  reader.uint32(),
                  `${prefix}.verify`,
                  {
                    limits: opts.limits?.verify,
                  },
                )

                break
              }
              case 10: {
                yield* VerificationQuery.codec().stream(
                  reader,
                  reader.uint32(),
                  `${prefix}.verification`,
                  {
                    limits: opts.limits?.verification,
                  },
                )

                break
              }
              case 11: {
                yield* NameMove.codec().stream(reader, reader.uint32(), `${prefix}.move`, {
                  limits: opts.limits?.move,
                })

                break
              }
              case 12: {
                yield {
                  field: `${prefix}.iceServers`,
                  value: reader.bool(),
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

  export interface DirectoryRequestRegisterNameFieldEvent {
    field: '$.register.name'
    value: string
  }

  export interface DirectoryRequestReleaseNameFieldEvent {
    field: '$.release.name'
    value: string
  }

  export interface DirectoryRequestAnswerProofFieldEvent {
    field: '$.answer.proof'
    value: Uint8Array<ArrayBuffer>
  }

  export interface DirectoryRequestAnswerWorkNonceFieldEvent {
    field: '$.answer.workNonce'
    value: Uint8Array<ArrayBuffer>
  }

  export interface DirectoryRequestAnswerInviteCodeFieldEvent {
    field: '$.answer.inviteCode'
    value: string
  }

  export interface DirectoryRequestAnswerVerificationIdFieldEvent {
    field: '$.answer.verificationId'
    value: Uint8Array<ArrayBuffer>
  }

  export interface DirectoryRequestAnswerVerificationCodeFieldEvent {
    field: '$.answer.verificationCode'
    value: string
  }

  export interface DirectoryRequestLookupNameFieldEvent {
    field: '$.lookup.name'
    value: string
  }

  export interface DirectoryRequestSearchPrefixFieldEvent {
    field: '$.search.prefix'
    value: string
  }

  export interface DirectoryRequestSearchLimitFieldEvent {
    field: '$.search.limit'
    value: number
  }

  export interface DirectoryRequestProfileFieldEvent {
    field: '$.profile'
    value: Uint8Array<ArrayBuffer>
  }

  export interface DirectoryRequestAnnounceFieldEvent {
    field: '$.announce'
    value: Uint8Array<ArrayBuffer>
  }

  export interface DirectoryRequestSignupPolicyFieldEvent {
    field: '$.signupPolicy'
    value: boolean
  }

  export interface DirectoryRequestVerifyMethodFieldEvent {
    field: '$.verify.method'
    value: string
  }

  export interface DirectoryRequestVerifyAddressFieldEvent {
    field: '$.verify.address'
    value: string
  }

  export interface DirectoryRequestVerificationIdFieldEvent {
    field: '$.verification.id'
    value: Uint8Array<ArrayBuffer>
  }

  export interface DirectoryRequestMoveRotationsFieldEvent {
    field: '$.move.rotations[]'
    index: number
    value: Uint8Array<ArrayBuffer>
  }

  export interface DirectoryRequestMoveRecoveriesFieldEvent {
    field: '$.move.recoveries[]'
    index: number
    value: Uint8Array<ArrayBuffer>
  }

  export interface DirectoryRequestIceServersFieldEvent {
    field: '$.iceServers'
    value: boolean
  }

  export function encode(obj: Partial<DirectoryRequest>): Uint8Array<ArrayBuffer> {
    return encodeMessage(obj, DirectoryRequest.codec())
  }

  export function decode(
    buf: Uint8Array | Uint8ArrayList,
    opts?: DecodeOptions<DirectoryRequest>,
  ): DirectoryRequest {
    return decodeMessage(buf, DirectoryRequest.codec(), opts)
  }

  export function stream(
    buf: Uint8Array | Uint8ArrayList,
    opts?: DecodeOptions<DirectoryRequest>,
  ): Generator<
    | DirectoryRequestRegisterNameFieldEvent
    | DirectoryRequestReleaseNameFieldEvent
    | DirectoryRequestAnswerProofFieldEvent
    | DirectoryRequestAnswerWorkNonceFieldEvent
    | DirectoryRequestAnswerInviteCodeFieldEvent
    | DirectoryRequestAnswerVerificationIdFieldEvent
    | DirectoryRequestAnswerVerificationCodeFieldEvent
    | DirectoryRequestLookupNameFieldEvent
    | DirectoryRequestSearchPrefixFieldEvent
    | DirectoryRequestSearchLimitFieldEvent
    | DirectoryRequestProfileFieldEvent
    | DirectoryRequestAnnounceFieldEvent
    | DirectoryRequestSignupPolicyFieldEvent
    | DirectoryRequestVerifyMethodFieldEvent
    | DirectoryRequestVerifyAddressFieldEvent
    | DirectoryRequestVerificationIdFieldEvent
    | DirectoryRequestMoveRotationsFieldEvent
    | DirectoryRequestMoveRecoveriesFieldEvent
    | DirectoryRequestIceServersFieldEvent
  > {
    return streamMessage(buf, DirectoryRequest.codec(), opts)
  }
}

export interface Challenge {
  nonce: Uint8Array<ArrayBuffer>
  workBits: number
  inviteRequired: boolean
  verification: string[]
}

export namespace Challenge {
  let _codec: Codec<Challenge>

  export const codec = (): Codec<Challenge> => {
    if (_codec == null) {
      _codec = message<Challenge>(
        (obj, w, opts = {}) => {
          if (opts.lengthDelimited !== false) {
            w.fork()
          }

          if (obj.nonce != null && obj.nonce.byteLength > 0) {
            w.uint32(10)
            w.bytes(obj.nonce)
          }

          if (obj.workBits != null && obj.workBits !== 0) {
            w.uint32(16)
            w.uint32(obj.workBits)
          }

          if (obj.inviteRequired != null && obj.inviteRequired !== false) {
            w.uint32(24)
            w.bool(obj.inviteRequired)
          }

          if (obj.verification != null && obj.verification.length > 0) {
            for (const value of obj.verification) {
              w.uint32(34)
              w.string(value)
            }
          }

          if (opts.lengthDelimited !== false) {
            w.ldelim()
          }
        },
        (reader, length, opts = {}) => {
          const obj: any = {
            nonce: uint8ArrayAlloc(0),
            workBits: 0,
            inviteRequired: false,
            verification: [],
          }

          const end = length == null ? reader.len : reader.pos + length

          while (reader.pos < end) {
            const tag = reader.uint32()

            switch (tag >>> 3) {
              case 1: {
                obj.nonce = reader.bytes()
                break
              }
              case 2: {
                obj.workBits = reader.uint32()
                break
              }
              case 3: {
                obj.inviteRequired = reader.bool()
                break
              }
              case 4: {
                if (
                  opts.limits?.verification != null &&
                  obj.verification.length === opts.limits.verification
                ) {
                  throw new MaxLengthError(
                    'Decode error - repeated field "verification" had too many elements',
                  )
                }

                obj.verification.push(reader.string())
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
            verification: 0,
          }

          const end = length == null ? reader.len : reader.pos + length

          while (reader.pos < end) {
            const tag = reader.uint32()

            switch (tag >>> 3) {
              case 1: {
                yield {
                  field: `${prefix}.nonce`,
                  value: reader.bytes(),
                }
                break
              }
              case 2: {
                yield {
                  field: `${prefix}.workBits`,
                  value: reader.uint32(),
                }
                break
              }
              case 3: {
                yield {
                  field: `${prefix}.inviteRequired`,
                  value: reader.bool(),
                }
                break
              }
              case 4: {
                if (
                  opts.limits?.verification != null &&
                  obj.verification === opts.limits.verification
                ) {
                  throw new MaxLengthError(
                    'Streaming decode error - repeated field "verification" had too many elements',
                  )
                }

                yield {
                  field: `${prefix}.verification[]`,
                  index: obj.verification,
                  value: reader.string(),
                }

                obj.verification++

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

  export interface ChallengeNonceFieldEvent {
    field: '$.nonce'
    value: Uint8Array<ArrayBuffer>
  }

  export interface ChallengeWorkBitsFieldEvent {
    field: '$.workBits'
    value: number
  }

  export interface ChallengeInviteRequiredFieldEvent {
    field: '$.inviteRequired'
    value: boolean
  }

  export interface ChallengeVerificationFieldEvent {
    field: '$.verification[]'
    index: number
    value: string
  }

  export function encode(obj: Partial<Challenge>): Uint8Array<ArrayBuffer> {
    return encodeMessage(obj, Challenge.codec())
  }

  export function decode(
    buf: Uint8Array | Uint8ArrayList,
    opts?: DecodeOptions<Challenge>,
  ): Challenge {
    return decodeMessage(buf, Challenge.codec(), opts)
  }

  export function stream(
    buf: Uint8Array | Uint8ArrayList,
    opts?: DecodeOptions<Challenge>,
  ): Generator<
    | ChallengeNonceFieldEvent
    | ChallengeWorkBitsFieldEvent
    | ChallengeInviteRequiredFieldEvent
    | ChallengeVerificationFieldEvent
  > {
    return streamMessage(buf, Challenge.codec(), opts)
  }
}

export interface SignupPolicy {
  methods: string[]
  codeLength: number
  oidcProvider: string
  inviteRequired: boolean
  workBits: number
}

export namespace SignupPolicy {
  let _codec: Codec<SignupPolicy>

  export const codec = (): Codec<SignupPolicy> => {
    if (_codec == null) {
      _codec = message<SignupPolicy>(
        (obj, w, opts = {}) => {
          if (opts.lengthDelimited !== false) {
            w.fork()
          }

          if (obj.methods != null && obj.methods.length > 0) {
            for (const value of obj.methods) {
              w.uint32(10)
              w.string(value)
            }
          }

          if (obj.codeLength != null && obj.codeLength !== 0) {
            w.uint32(16)
            w.uint32(obj.codeLength)
          }

          if (obj.oidcProvider != null && obj.oidcProvider !== '') {
            w.uint32(26)
            w.string(obj.oidcProvider)
          }

          if (obj.inviteRequired != null && obj.inviteRequired !== false) {
            w.uint32(32)
            w.bool(obj.inviteRequired)
          }

          if (obj.workBits != null && obj.workBits !== 0) {
            w.uint32(40)
            w.uint32(obj.workBits)
          }

          if (opts.lengthDelimited !== false) {
            w.ldelim()
          }
        },
        (reader, length, opts = {}) => {
          const obj: any = {
            methods: [],
            codeLength: 0,
            oidcProvider: '',
            inviteRequired: false,
            workBits: 0,
          }

          const end = length == null ? reader.len : reader.pos + length

          while (reader.pos < end) {
            const tag = reader.uint32()

            switch (tag >>> 3) {
              case 1: {
                if (opts.limits?.methods != null && obj.methods.length === opts.limits.methods) {
                  throw new MaxLengthError(
                    'Decode error - repeated field "methods" had too many elements',
                  )
                }

                obj.methods.push(reader.string())
                break
              }
              case 2: {
                obj.codeLength = reader.uint32()
                break
              }
              case 3: {
                obj.oidcProvider = reader.string()
                break
              }
              case 4: {
                obj.inviteRequired = reader.bool()
                break
              }
              case 5: {
                obj.workBits = reader.uint32()
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
            methods: 0,
          }

          const end = length == null ? reader.len : reader.pos + length

          while (reader.pos < end) {
            const tag = reader.uint32()

            switch (tag >>> 3) {
              case 1: {
                if (opts.limits?.methods != null && obj.methods === opts.limits.methods) {
                  throw new MaxLengthError(
                    'Streaming decode error - repeated field "methods" had too many elements',
                  )
                }

                yield {
                  field: `${prefix}.methods[]`,
                  index: obj.methods,
                  value: reader.string(),
                }

                obj.methods++

                break
              }
              case 2: {
                yield {
                  field: `${prefix}.codeLength`,
                  value: reader.uint32(),
                }
                break
              }
              case 3: {
                yield {
                  field: `${prefix}.oidcProvider`,
                  value: reader.string(),
                }
                break
              }
              case 4: {
                yield {
                  field: `${prefix}.inviteRequired`,
                  value: reader.bool(),
                }
                break
              }
              case 5: {
                yield {
                  field: `${prefix}.workBits`,
                  value: reader.uint32(),
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

  export interface SignupPolicyMethodsFieldEvent {
    field: '$.methods[]'
    index: number
    value: string
  }

  export interface SignupPolicyCodeLengthFieldEvent {
    field: '$.codeLength'
    value: number
  }

  export interface SignupPolicyOidcProviderFieldEvent {
    field: '$.oidcProvider'
    value: string
  }

  export interface SignupPolicyInviteRequiredFieldEvent {
    field: '$.inviteRequired'
    value: boolean
  }

  export interface SignupPolicyWorkBitsFieldEvent {
    field: '$.workBits'
    value: number
  }

  export function encode(obj: Partial<SignupPolicy>): Uint8Array<ArrayBuffer> {
    return encodeMessage(obj, SignupPolicy.codec())
  }

  export function decode(
    buf: Uint8Array | Uint8ArrayList,
    opts?: DecodeOptions<SignupPolicy>,
  ): SignupPolicy {
    return decodeMessage(buf, SignupPolicy.codec(), opts)
  }

  export function stream(
    buf: Uint8Array | Uint8ArrayList,
    opts?: DecodeOptions<SignupPolicy>,
  ): Generator<
    | SignupPolicyMethodsFieldEvent
    | SignupPolicyCodeLengthFieldEvent
    | SignupPolicyOidcProviderFieldEvent
    | SignupPolicyInviteRequiredFieldEvent
    | SignupPolicyWorkBitsFieldEvent
  > {
    return streamMessage(buf, SignupPolicy.codec(), opts)
  }
}

export interface VerificationTicket {
  id: Uint8Array<ArrayBuffer>
  method: string
  expiresMs: bigint
  sentTo: string
  authorizationUrl: string
  completed: boolean
}

export namespace VerificationTicket {
  let _codec: Codec<VerificationTicket>

  export const codec = (): Codec<VerificationTicket> => {
    if (_codec == null) {
      _codec = message<VerificationTicket>(
        (obj, w, opts = {}) => {
          if (opts.lengthDelimited !== false) {
            w.fork()
          }

          if (obj.id != null && obj.id.byteLength > 0) {
            w.uint32(10)
            w.bytes(obj.id)
          }

          if (obj.method != null && obj.method !== '') {
            w.uint32(18)
            w.string(obj.method)
          }

          if (obj.expiresMs != null && obj.expiresMs !== 0n) {
            w.uint32(24)
            w.uint64(obj.expiresMs)
          }

          if (obj.sentTo != null && obj.sentTo !== '') {
            w.uint32(34)
            w.string(obj.sentTo)
          }

          if (obj.authorizationUrl != null && obj.authorizationUrl !== '') {
            w.uint32(42)
            w.string(obj.authorizationUrl)
          }

          if (obj.completed != null && obj.completed !== false) {
            w.uint32(48)
            w.bool(obj.completed)
          }

          if (opts.lengthDelimited !== false) {
            w.ldelim()
          }
        },
        (reader, length, opts = {}) => {
          const obj: any = {
            id: uint8ArrayAlloc(0),
            method: '',
            expiresMs: 0n,
            sentTo: '',
            authorizationUrl: '',
            completed: false,
          }

          const end = length == null ? reader.len : reader.pos + length

          while (reader.pos < end) {
            const tag = reader.uint32()

            switch (tag >>> 3) {
              case 1: {
                obj.id = reader.bytes()
                break
              }
              case 2: {
                obj.method = reader.string()
                break
              }
              case 3: {
                obj.expiresMs = reader.uint64()
                break
              }
              case 4: {
                obj.sentTo = reader.string()
                break
              }
              case 5: {
                obj.authorizationUrl = reader.string()
                break
              }
              case 6: {
                obj.completed = reader.bool()
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
                  value: reader.bytes(),
                }
                break
              }
              case 2: {
                yield {
                  field: `${prefix}.method`,
                  value: reader.string(),
                }
                break
              }
              case 3: {
                yield {
                  field: `${prefix}.expiresMs`,
                  value: reader.uint64(),
                }
                break
              }
              case 4: {
                yield {
                  field: `${prefix}.sentTo`,
                  value: reader.string(),
                }
                break
              }
              case 5: {
                yield {
                  field: `${prefix}.authorizationUrl`,
                  value: reader.string(),
                }
                break
              }
              case 6: {
                yield {
                  field: `${prefix}.completed`,
                  value: reader.bool(),
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

  export interface VerificationTicketIdFieldEvent {
    field: '$.id'
    value: Uint8Array<ArrayBuffer>
  }

  export interface VerificationTicketMethodFieldEvent {
    field: '$.method'
    value: string
  }

  export interface VerificationTicketExpiresMsFieldEvent {
    field: '$.expiresMs'
    value: bigint
  }

  export interface VerificationTicketSentToFieldEvent {
    field: '$.sentTo'
    value: string
  }

  export interface VerificationTicketAuthorizationUrlFieldEvent {
    field: '$.authorizationUrl'
    value: string
  }

  export interface VerificationTicketCompletedFieldEvent {
    field: '$.completed'
    value: boolean
  }

  export function encode(obj: Partial<VerificationTicket>): Uint8Array<ArrayBuffer> {
    return encodeMessage(obj, VerificationTicket.codec())
  }

  export function decode(
    buf: Uint8Array | Uint8ArrayList,
    opts?: DecodeOptions<VerificationTicket>,
  ): VerificationTicket {
    return decodeMessage(buf, VerificationTicket.codec(), opts)
  }

  export function stream(
    buf: Uint8Array | Uint8ArrayList,
    opts?: DecodeOptions<VerificationTicket>,
  ): Generator<
    | VerificationTicketIdFieldEvent
    | VerificationTicketMethodFieldEvent
    | VerificationTicketExpiresMsFieldEvent
    | VerificationTicketSentToFieldEvent
    | VerificationTicketAuthorizationUrlFieldEvent
    | VerificationTicketCompletedFieldEvent
  > {
    return streamMessage(buf, VerificationTicket.codec(), opts)
  }
}

export interface DirectoryFailure {
  code: string
  message: string
  retryAfterMs: bigint
}

export namespace DirectoryFailure {
  let _codec: Codec<DirectoryFailure>

  export const codec = (): Codec<DirectoryFailure> => {
    if (_codec == null) {
      _codec = message<DirectoryFailure>(
        (obj, w, opts = {}) => {
          if (opts.lengthDelimited !== false) {
            w.fork()
          }

          if (obj.code != null && obj.code !== '') {
            w.uint32(10)
            w.string(obj.code)
          }

          if (obj.message != null && obj.message !== '') {
            w.uint32(18)
            w.string(obj.message)
          }

          if (obj.retryAfterMs != null && obj.retryAfterMs !== 0n) {
            w.uint32(24)
            w.uint64(obj.retryAfterMs)
          }

          if (opts.lengthDelimited !== false) {
            w.ldelim()
          }
        },
        (reader, length, opts = {}) => {
          const obj: any = {
            code: '',
            message: '',
            retryAfterMs: 0n,
          }

          const end = length == null ? reader.len : reader.pos + length

          while (reader.pos < end) {
            const tag = reader.uint32()

            switch (tag >>> 3) {
              case 1: {
                obj.code = reader.string()
                break
              }
              case 2: {
                obj.message = reader.string()
                break
              }
              case 3: {
                obj.retryAfterMs = reader.uint64()
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
                  field: `${prefix}.code`,
                  value: reader.string(),
                }
                break
              }
              case 2: {
                yield {
                  field: `${prefix}.message`,
                  value: reader.string(),
                }
                break
              }
              case 3: {
                yield {
                  field: `${prefix}.retryAfterMs`,
                  value: reader.uint64(),
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

  export interface DirectoryFailureCodeFieldEvent {
    field: '$.code'
    value: string
  }

  export interface DirectoryFailureMessageFieldEvent {
    field: '$.message'
    value: string
  }

  export interface DirectoryFailureRetryAfterMsFieldEvent {
    field: '$.retryAfterMs'
    value: bigint
  }

  export function encode(obj: Partial<DirectoryFailure>): Uint8Array<ArrayBuffer> {
    return encodeMessage(obj, DirectoryFailure.codec())
  }

  export function decode(
    buf: Uint8Array | Uint8ArrayList,
    opts?: DecodeOptions<DirectoryFailure>,
  ): DirectoryFailure {
    return decodeMessage(buf, DirectoryFailure.codec(), opts)
  }

  export function stream(
    buf: Uint8Array | Uint8ArrayList,
    opts?: DecodeOptions<DirectoryFailure>,
  ): Generator<
    | DirectoryFailureCodeFieldEvent
    | DirectoryFailureMessageFieldEvent
    | DirectoryFailureRetryAfterMsFieldEvent
  > {
    return streamMessage(buf, DirectoryFailure.codec(), opts)
  }
}

export interface SearchHit {
  nameRecord: Uint8Array<ArrayBuffer>
  profile: Uint8Array<ArrayBuffer>
}

export namespace SearchHit {
  let _codec: Codec<SearchHit>

  export const codec = (): Codec<SearchHit> => {
    if (_codec == null) {
      _codec = message<SearchHit>(
        (obj, w, opts = {}) => {
          if (opts.lengthDelimited !== false) {
            w.fork()
          }

          if (obj.nameRecord != null && obj.nameRecord.byteLength > 0) {
            w.uint32(10)
            w.bytes(obj.nameRecord)
          }

          if (obj.profile != null && obj.profile.byteLength > 0) {
            w.uint32(18)
            w.bytes(obj.profile)
          }

          if (opts.lengthDelimited !== false) {
            w.ldelim()
          }
        },
        (reader, length, opts = {}) => {
          const obj: any = {
            nameRecord: uint8ArrayAlloc(0),
            profile: uint8ArrayAlloc(0),
          }

          const end = length == null ? reader.len : reader.pos + length

          while (reader.pos < end) {
            const tag = reader.uint32()

            switch (tag >>> 3) {
              case 1: {
                obj.nameRecord = reader.bytes()
                break
              }
              case 2: {
                obj.profile = reader.bytes()
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
                  field: `${prefix}.nameRecord`,
                  value: reader.bytes(),
                }
                break
              }
              case 2: {
                yield {
                  field: `${prefix}.profile`,
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

  export interface SearchHitNameRecordFieldEvent {
    field: '$.nameRecord'
    value: Uint8Array<ArrayBuffer>
  }

  export interface SearchHitProfileFieldEvent {
    field: '$.profile'
    value: Uint8Array<ArrayBuffer>
  }

  export function encode(obj: Partial<SearchHit>): Uint8Array<ArrayBuffer> {
    return encodeMessage(obj, SearchHit.codec())
  }

  export function decode(
    buf: Uint8Array | Uint8ArrayList,
    opts?: DecodeOptions<SearchHit>,
  ): SearchHit {
    return decodeMessage(buf, SearchHit.codec(), opts)
  }

  export function stream(
    buf: Uint8Array | Uint8ArrayList,
    opts?: DecodeOptions<SearchHit>,
  ): Generator<SearchHitNameRecordFieldEvent | SearchHitProfileFieldEvent> {
    return streamMessage(buf, SearchHit.codec(), opts)
  }
}

export interface SearchResult {
  hits: SearchHit[]
}

export namespace SearchResult {
  let _codec: Codec<SearchResult>

  export const codec = (): Codec<SearchResult> => {
    if (_codec == null) {
      _codec = message<SearchResult>(
        (obj, w, opts = {}) => {
          if (opts.lengthDelimited !== false) {
            w.fork()
          }

          if (obj.hits != null && obj.hits.length > 0) {
            for (const value of obj.hits) {
              w.uint32(10)
              SearchHit.codec().encode(value, w)
            }
          }

          if (opts.lengthDelimited !== false) {
            w.ldelim()
          }
        },
        (reader, length, opts = {}) => {
          const obj: any = {
            hits: [],
          }

          const end = length == null ? reader.len : reader.pos + length

          while (reader.pos < end) {
            const tag = reader.uint32()

            switch (tag >>> 3) {
              case 1: {
                if (opts.limits?.hits != null && obj.hits.length === opts.limits.hits) {
                  throw new MaxLengthError(
                    'Decode error - repeated field "hits" had too many elements',
                  )
                }

                obj.hits.push(
                  SearchHit.codec().decode(reader, reader.uint32(), {
                    limits: opts.limits?.hits$,
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
            hits: 0,
          }

          const end = length == null ? reader.len : reader.pos + length

          while (reader.pos < end) {
            const tag = reader.uint32()

            switch (tag >>> 3) {
              case 1: {
                if (opts.limits?.hits != null && obj.hits === opts.limits.hits) {
                  throw new MaxLengthError(
                    'Streaming decode error - repeated field "hits" had too many elements',
                  )
                }

                for (const evt of SearchHit.codec().stream(
                  reader,
                  reader.uint32(),
                  `${prefix}.hits[]`,
                  {
                    limits: opts.limits?.hits$,
                  },
                )) {
                  yield {
                    ...evt,
                    index: obj.hits,
                  }
                }

                obj.hits++

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

  export interface SearchResultHitsNameRecordFieldEvent {
    field: '$.hits[].nameRecord'
    value: Uint8Array<ArrayBuffer>
    index: number
  }

  export interface SearchResultHitsProfileFieldEvent {
    field: '$.hits[].profile'
    value: Uint8Array<ArrayBuffer>
    index: number
  }

  export function encode(obj: Partial<SearchResult>): Uint8Array<ArrayBuffer> {
    return encodeMessage(obj, SearchResult.codec())
  }

  export function decode(
    buf: Uint8Array | Uint8ArrayList,
    opts?: DecodeOptions<SearchResult>,
  ): SearchResult {
    return decodeMessage(buf, SearchResult.codec(), opts)
  }

  export function stream(
    buf: Uint8Array | Uint8ArrayList,
    opts?: DecodeOptions<SearchResult>,
  ): Generator<SearchResultHitsNameRecordFieldEvent | SearchResultHitsProfileFieldEvent> {
    return streamMessage(buf, SearchResult.codec(), opts)
  }
}

export interface DirectoryResponse {
  challenge?: Challenge
  nameRecord?: Uint8Array<ArrayBuffer>
  profile?: Uint8Array<ArrayBuffer>
  search?: SearchResult
  failure?: DirectoryFailure
  announcement?: Uint8Array<ArrayBuffer>
  sessionNotice?: Uint8Array<ArrayBuffer>
  accepted?: boolean
  signupPolicy?: SignupPolicy
  verification?: VerificationTicket
  iceServers?: IceServers
}

export namespace DirectoryResponse {
  let _codec: Codec<DirectoryResponse>

  export const codec = (): Codec<DirectoryResponse> => {
    if (_codec == null) {
      _codec = message<DirectoryResponse>(
        (obj, w, opts = {}) => {
          if (opts.lengthDelimited !== false) {
            w.fork()
          }

          if (obj.challenge != null) {
            w.uint32(10)
            Challenge.codec().encode(obj.challenge, w)
          }

          if (obj.nameRecord != null) {
            w.uint32(18)
            w.bytes(obj.nameRecord)
          }

          if (obj.profile != null) {
            w.uint32(26)
            w.bytes(obj.profile)
          }

          if (obj.search != null) {
            w.uint32(34)
            SearchResult.codec().encode(obj.search, w)
          }

          if (obj.failure != null) {
            w.uint32(42)
            DirectoryFailure.codec().encode(obj.failure, w)
          }

          if (obj.announcement != null) {
            w.uint32(50)
            w.bytes(obj.announcement)
          }

          if (obj.sessionNotice != null) {
            w.uint32(58)
            w.bytes(obj.sessionNotice)
          }

          if (obj.accepted != null) {
            w.uint32(64)
            w.bool(obj.accepted)
          }

          if (obj.signupPolicy != null) {
            w.uint32(74)
            SignupPolicy.codec().encode(obj.signupPolicy, w)
          }

          if (obj.verification != null) {
            w.uint32(82)
            VerificationTicket.codec().encode(obj.verification, w)
          }

          if (obj.iceServers != null) {
            w.uint32(90)
            IceServers.codec().encode(obj.iceServers, w)
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
                obj.challenge = Challenge.codec().decode(reader, reader.uint32(), {
                  limits: opts.limits?.challenge,
                })
                break
              }
              case 2: {
                obj.nameRecord = reader.bytes()
                break
              }
              case 3: {
                obj.profile = reader.bytes()
                break
              }
              case 4: {
                obj.search = SearchResult.codec().decode(reader, reader.uint32(), {
                  limits: opts.limits?.search,
                })
                break
              }
              case 5: {
                obj.failure = DirectoryFailure.codec().decode(reader, reader.uint32(), {
                  limits: opts.limits?.failure,
                })
                break
              }
              case 6: {
                obj.announcement = reader.bytes()
                break
              }
              case 7: {
                obj.sessionNotice = reader.bytes()
                break
              }
              case 8: {
                obj.accepted = reader.bool()
                break
              }
              case 9: {
                obj.signupPolicy = SignupPolicy.codec().decode(reader, reader.uint32(), {
                  limits: opts.limits?.signupPolicy,
                })
                break
              }
              case 10: {
                obj.verification = VerificationTicket.codec().decode(reader, reader.uint32(), {
                  limits: opts.limits?.verification,
                })
                break
              }
              case 11: {
                obj.iceServers = IceServers.codec().decode(reader, reader.uint32(), {
                  limits: opts.limits?.iceServers,
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
                yield* Challenge.codec().stream(reader, reader.uint32(), `${prefix}.challenge`, {
                  limits: opts.limits?.challenge,
                })

                break
              }
              case 2: {
                yield {
                  field: `${prefix}.nameRecord`,
                  value: reader.bytes(),
                }
                break
              }
              case 3: {
                yield {
                  field: `${prefix}.profile`,
                  value: reader.bytes(),
                }
                break
              }
              case 4: {
                yield* SearchResult.codec().stream(reader, reader.uint32(), `${prefix}.search`, {
                  limits: opts.limits?.search,
                })

                break
              }
              case 5: {
                yield* DirectoryFailure.codec().stream(
                  reader,
                  reader.uint32(),
                  `${prefix}.failure`,
                  {
                    limits: opts.limits?.failure,
                  },
                )

                break
              }
              case 6: {
                yield {
                  field: `${prefix}.announcement`,
                  value: reader.bytes(),
                }
                break
              }
              case 7: {
                yield {
                  field: `${prefix}.sessionNotice`,
                  value: reader.bytes(),
                }
                break
              }
              case 8: {
                yield {
                  field: `${prefix}.accepted`,
                  value: reader.bool(),
                }
                break
              }
              case 9: {
                yield* SignupPolicy.codec().stream(
                  reader,
                  reader.uint32(),
                  `${prefix}.signupPolicy`,
                  {
                    limits: opts.limits?.signupPolicy,
                  },
                )

                break
              }
              case 10: {
                yield* VerificationTicket.codec().stream(
                  reader,
                  reader.uint32(),
                  `${prefix}.verification`,
                  {
                    limits: opts.limits?.verification,
                  },
                )

                break
              }
              case 11: {
                yield* IceServers.codec().stream(reader, reader.uint32(), `${prefix}.iceServers`, {
                  limits: opts.limits?.iceServers,
                })

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

  export interface DirectoryResponseChallengeNonceFieldEvent {
    field: '$.challenge.nonce'
    value: Uint8Array<ArrayBuffer>
  }

  export interface DirectoryResponseChallengeWorkBitsFieldEvent {
    field: '$.challenge.workBits'
    value: number
  }

  export interface DirectoryResponseChallengeInviteRequiredFieldEvent {
    field: '$.challenge.inviteRequired'
    value: boolean
  }

  export interface DirectoryResponseChallengeVerificationFieldEvent {
    field: '$.challenge.verification[]'
    index: number
    value: string
  }

  export interface DirectoryResponseNameRecordFieldEvent {
    field: '$.nameRecord'
    value: Uint8Array<ArrayBuffer>
  }

  export interface DirectoryResponseProfileFieldEvent {
    field: '$.profile'
    value: Uint8Array<ArrayBuffer>
  }

  export interface DirectoryResponseSearchHitsNameRecordFieldEvent {
    field: '$.search.hits[].nameRecord'
    value: Uint8Array<ArrayBuffer>
    index: number
  }

  export interface DirectoryResponseSearchHitsProfileFieldEvent {
    field: '$.search.hits[].profile'
    value: Uint8Array<ArrayBuffer>
    index: number
  }

  export interface DirectoryResponseFailureCodeFieldEvent {
    field: '$.failure.code'
    value: string
  }

  export interface DirectoryResponseFailureMessageFieldEvent {
    field: '$.failure.message'
    value: string
  }

  export interface DirectoryResponseFailureRetryAfterMsFieldEvent {
    field: '$.failure.retryAfterMs'
    value: bigint
  }

  export interface DirectoryResponseAnnouncementFieldEvent {
    field: '$.announcement'
    value: Uint8Array<ArrayBuffer>
  }

  export interface DirectoryResponseSessionNoticeFieldEvent {
    field: '$.sessionNotice'
    value: Uint8Array<ArrayBuffer>
  }

  export interface DirectoryResponseAcceptedFieldEvent {
    field: '$.accepted'
    value: boolean
  }

  export interface DirectoryResponseSignupPolicyMethodsFieldEvent {
    field: '$.signupPolicy.methods[]'
    index: number
    value: string
  }

  export interface DirectoryResponseSignupPolicyCodeLengthFieldEvent {
    field: '$.signupPolicy.codeLength'
    value: number
  }

  export interface DirectoryResponseSignupPolicyOidcProviderFieldEvent {
    field: '$.signupPolicy.oidcProvider'
    value: string
  }

  export interface DirectoryResponseSignupPolicyInviteRequiredFieldEvent {
    field: '$.signupPolicy.inviteRequired'
    value: boolean
  }

  export interface DirectoryResponseSignupPolicyWorkBitsFieldEvent {
    field: '$.signupPolicy.workBits'
    value: number
  }

  export interface DirectoryResponseVerificationIdFieldEvent {
    field: '$.verification.id'
    value: Uint8Array<ArrayBuffer>
  }

  export interface DirectoryResponseVerificationMethodFieldEvent {
    field: '$.verification.method'
    value: string
  }

  export interface DirectoryResponseVerificationExpiresMsFieldEvent {
    field: '$.verification.expiresMs'
    value: bigint
  }

  export interface DirectoryResponseVerificationSentToFieldEvent {
    field: '$.verification.sentTo'
    value: string
  }

  export interface DirectoryResponseVerificationAuthorizationUrlFieldEvent {
    field: '$.verification.authorizationUrl'
    value: string
  }

  export interface DirectoryResponseVerificationCompletedFieldEvent {
    field: '$.verification.completed'
    value: boolean
  }

  export interface DirectoryResponseIceServersServersUrlsFieldEvent {
    field: '$.iceServers.servers[].urls[]'
    index: number
    value: string
  }

  export interface DirectoryResponseIceServersServersUsernameFieldEvent {
    field: '$.iceServers.servers[].username'
    value: string
    index: number
  }

  export interface DirectoryResponseIceServersServersCredentialFieldEvent {
    field: '$.iceServers.servers[].credential'
    value: string
    index: number
  }

  export interface DirectoryResponseIceServersExpiresMsFieldEvent {
    field: '$.iceServers.expiresMs'
    value: number
  }

  export function encode(obj: Partial<DirectoryResponse>): Uint8Array<ArrayBuffer> {
    return encodeMessage(obj, DirectoryResponse.codec())
  }

  export function decode(
    buf: Uint8Array | Uint8ArrayList,
    opts?: DecodeOptions<DirectoryResponse>,
  ): DirectoryResponse {
    return decodeMessage(buf, DirectoryResponse.codec(), opts)
  }

  export function stream(
    buf: Uint8Array | Uint8ArrayList,
    opts?: DecodeOptions<DirectoryResponse>,
  ): Generator<
    | DirectoryResponseChallengeNonceFieldEvent
    | DirectoryResponseChallengeWorkBitsFieldEvent
    | DirectoryResponseChallengeInviteRequiredFieldEvent
    | DirectoryResponseChallengeVerificationFieldEvent
    | DirectoryResponseNameRecordFieldEvent
    | DirectoryResponseProfileFieldEvent
    | DirectoryResponseSearchHitsNameRecordFieldEvent
    | DirectoryResponseSearchHitsProfileFieldEvent
    | DirectoryResponseFailureCodeFieldEvent
    | DirectoryResponseFailureMessageFieldEvent
    | DirectoryResponseFailureRetryAfterMsFieldEvent
    | DirectoryResponseAnnouncementFieldEvent
    | DirectoryResponseSessionNoticeFieldEvent
    | DirectoryResponseAcceptedFieldEvent
    | DirectoryResponseSignupPolicyMethodsFieldEvent
    | DirectoryResponseSignupPolicyCodeLengthFieldEvent
    | DirectoryResponseSignupPolicyOidcProviderFieldEvent
    | DirectoryResponseSignupPolicyInviteRequiredFieldEvent
    | DirectoryResponseSignupPolicyWorkBitsFieldEvent
    | DirectoryResponseVerificationIdFieldEvent
    | DirectoryResponseVerificationMethodFieldEvent
    | DirectoryResponseVerificationExpiresMsFieldEvent
    | DirectoryResponseVerificationSentToFieldEvent
    | DirectoryResponseVerificationAuthorizationUrlFieldEvent
    | DirectoryResponseVerificationCompletedFieldEvent
    | DirectoryResponseIceServersServersUrlsFieldEvent
    | DirectoryResponseIceServersServersUsernameFieldEvent
    | DirectoryResponseIceServersServersCredentialFieldEvent
    | DirectoryResponseIceServersExpiresMsFieldEvent
  > {
    return streamMessage(buf, DirectoryResponse.codec(), opts)
  }
}

export interface IceServer {
  urls: string[]
  username: string
  credential: string
}

export namespace IceServer {
  let _codec: Codec<IceServer>

  export const codec = (): Codec<IceServer> => {
    if (_codec == null) {
      _codec = message<IceServer>(
        (obj, w, opts = {}) => {
          if (opts.lengthDelimited !== false) {
            w.fork()
          }

          if (obj.urls != null && obj.urls.length > 0) {
            for (const value of obj.urls) {
              w.uint32(10)
              w.string(value)
            }
          }

          if (obj.username != null && obj.username !== '') {
            w.uint32(18)
            w.string(obj.username)
          }

          if (obj.credential != null && obj.credential !== '') {
            w.uint32(26)
            w.string(obj.credential)
          }

          if (opts.lengthDelimited !== false) {
            w.ldelim()
          }
        },
        (reader, length, opts = {}) => {
          const obj: any = {
            urls: [],
            username: '',
            credential: '',
          }

          const end = length == null ? reader.len : reader.pos + length

          while (reader.pos < end) {
            const tag = reader.uint32()

            switch (tag >>> 3) {
              case 1: {
                if (opts.limits?.urls != null && obj.urls.length === opts.limits.urls) {
                  throw new MaxLengthError(
                    'Decode error - repeated field "urls" had too many elements',
                  )
                }

                obj.urls.push(reader.string())
                break
              }
              case 2: {
                obj.username = reader.string()
                break
              }
              case 3: {
                obj.credential = reader.string()
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
            urls: 0,
          }

          const end = length == null ? reader.len : reader.pos + length

          while (reader.pos < end) {
            const tag = reader.uint32()

            switch (tag >>> 3) {
              case 1: {
                if (opts.limits?.urls != null && obj.urls === opts.limits.urls) {
                  throw new MaxLengthError(
                    'Streaming decode error - repeated field "urls" had too many elements',
                  )
                }

                yield {
                  field: `${prefix}.urls[]`,
                  index: obj.urls,
                  value: reader.string(),
                }

                obj.urls++

                break
              }
              case 2: {
                yield {
                  field: `${prefix}.username`,
                  value: reader.string(),
                }
                break
              }
              case 3: {
                yield {
                  field: `${prefix}.credential`,
                  value: reader.string(),
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

  export interface IceServerUrlsFieldEvent {
    field: '$.urls[]'
    index: number
    value: string
  }

  export interface IceServerUsernameFieldEvent {
    field: '$.username'
    value: string
  }

  export interface IceServerCredentialFieldEvent {
    field: '$.credential'
    value: string
  }

  export function encode(obj: Partial<IceServer>): Uint8Array<ArrayBuffer> {
    return encodeMessage(obj, IceServer.codec())
  }

  export function decode(
    buf: Uint8Array | Uint8ArrayList,
    opts?: DecodeOptions<IceServer>,
  ): IceServer {
    return decodeMessage(buf, IceServer.codec(), opts)
  }

  export function stream(
    buf: Uint8Array | Uint8ArrayList,
    opts?: DecodeOptions<IceServer>,
  ): Generator<
    IceServerUrlsFieldEvent | IceServerUsernameFieldEvent | IceServerCredentialFieldEvent
  > {
    return streamMessage(buf, IceServer.codec(), opts)
  }
}

export interface IceServers {
  servers: IceServer[]
  expiresMs: number
}

export namespace IceServers {
  let _codec: Codec<IceServers>

  export const codec = (): Codec<IceServers> => {
    if (_codec == null) {
      _codec = message<IceServers>(
        (obj, w, opts = {}) => {
          if (opts.lengthDelimited !== false) {
            w.fork()
          }

          if (obj.servers != null && obj.servers.length > 0) {
            for (const value of obj.servers) {
              w.uint32(10)
              IceServer.codec().encode(value, w)
            }
          }

          if (obj.expiresMs != null && obj.expiresMs !== 0) {
            w.uint32(16)
            w.uint64Number(obj.expiresMs)
          }

          if (opts.lengthDelimited !== false) {
            w.ldelim()
          }
        },
        (reader, length, opts = {}) => {
          const obj: any = {
            servers: [],
            expiresMs: 0,
          }

          const end = length == null ? reader.len : reader.pos + length

          while (reader.pos < end) {
            const tag = reader.uint32()

            switch (tag >>> 3) {
              case 1: {
                if (opts.limits?.servers != null && obj.servers.length === opts.limits.servers) {
                  throw new MaxLengthError(
                    'Decode error - repeated field "servers" had too many elements',
                  )
                }

                obj.servers.push(
                  IceServer.codec().decode(reader, reader.uint32(), {
                    limits: opts.limits?.servers$,
                  }),
                )
                break
              }
              case 2: {
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
          const obj = {
            servers: 0,
          }

          const end = length == null ? reader.len : reader.pos + length

          while (reader.pos < end) {
            const tag = reader.uint32()

            switch (tag >>> 3) {
              case 1: {
                if (opts.limits?.servers != null && obj.servers === opts.limits.servers) {
                  throw new MaxLengthError(
                    'Streaming decode error - repeated field "servers" had too many elements',
                  )
                }

                for (const evt of IceServer.codec().stream(
                  reader,
                  reader.uint32(),
                  `${prefix}.servers[]`,
                  {
                    limits: opts.limits?.servers$,
                  },
                )) {
                  yield {
                    ...evt,
                    index: obj.servers,
                  }
                }

                obj.servers++

                break
              }
              case 2: {
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

  export interface IceServersServersUrlsFieldEvent {
    field: '$.servers[].urls[]'
    index: number
    value: string
  }

  export interface IceServersServersUsernameFieldEvent {
    field: '$.servers[].username'
    value: string
    index: number
  }

  export interface IceServersServersCredentialFieldEvent {
    field: '$.servers[].credential'
    value: string
    index: number
  }

  export interface IceServersExpiresMsFieldEvent {
    field: '$.expiresMs'
    value: number
  }

  export function encode(obj: Partial<IceServers>): Uint8Array<ArrayBuffer> {
    return encodeMessage(obj, IceServers.codec())
  }

  export function decode(
    buf: Uint8Array | Uint8ArrayList,
    opts?: DecodeOptions<IceServers>,
  ): IceServers {
    return decodeMessage(buf, IceServers.codec(), opts)
  }

  export function stream(
    buf: Uint8Array | Uint8ArrayList,
    opts?: DecodeOptions<IceServers>,
  ): Generator<
    | IceServersServersUrlsFieldEvent
    | IceServersServersUsernameFieldEvent
    | IceServersServersCredentialFieldEvent
    | IceServersExpiresMsFieldEvent
  > {
    return streamMessage(buf, IceServers.codec(), opts)
  }
}
