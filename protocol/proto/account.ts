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

export interface DeviceCertificate {
  account: Uint8Array<ArrayBuffer>
  device: Uint8Array<ArrayBuffer>
  name: string
  createdMs: number
  capabilities: number
}

export namespace DeviceCertificate {
  let _codec: Codec<DeviceCertificate>

  export const codec = (): Codec<DeviceCertificate> => {
    if (_codec == null) {
      _codec = message<DeviceCertificate>(
        (obj, w, opts = {}) => {
          if (opts.lengthDelimited !== false) {
            w.fork()
          }

          if (obj.account != null && obj.account.byteLength > 0) {
            w.uint32(10)
            w.bytes(obj.account)
          }

          if (obj.device != null && obj.device.byteLength > 0) {
            w.uint32(18)
            w.bytes(obj.device)
          }

          if (obj.name != null && obj.name !== '') {
            w.uint32(26)
            w.string(obj.name)
          }

          if (obj.createdMs != null && obj.createdMs !== 0) {
            w.uint32(32)
            w.uint64Number(obj.createdMs)
          }

          if (obj.capabilities != null && obj.capabilities !== 0) {
            w.uint32(40)
            w.uint32(obj.capabilities)
          }

          if (opts.lengthDelimited !== false) {
            w.ldelim()
          }
        },
        (reader, length, opts = {}) => {
          const obj: any = {
            account: uint8ArrayAlloc(0),
            device: uint8ArrayAlloc(0),
            name: '',
            createdMs: 0,
            capabilities: 0,
          }

          const end = length == null ? reader.len : reader.pos + length

          while (reader.pos < end) {
            const tag = reader.uint32()

            switch (tag >>> 3) {
              case 1: {
                obj.account = reader.bytes()
                break
              }
              case 2: {
                obj.device = reader.bytes()
                break
              }
              case 3: {
                obj.name = reader.string()
                break
              }
              case 4: {
                obj.createdMs = reader.uint64Number()
                break
              }
              case 5: {
                obj.capabilities = reader.uint32()
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
                  field: `${prefix}.account`,
                  value: reader.bytes(),
                }
                break
              }
              case 2: {
                yield {
                  field: `${prefix}.device`,
                  value: reader.bytes(),
                }
                break
              }
              case 3: {
                yield {
                  field: `${prefix}.name`,
                  value: reader.string(),
                }
                break
              }
              case 4: {
                yield {
                  field: `${prefix}.createdMs`,
                  value: reader.uint64Number(),
                }
                break
              }
              case 5: {
                yield {
                  field: `${prefix}.capabilities`,
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

  export interface DeviceCertificateAccountFieldEvent {
    field: '$.account'
    value: Uint8Array<ArrayBuffer>
  }

  export interface DeviceCertificateDeviceFieldEvent {
    field: '$.device'
    value: Uint8Array<ArrayBuffer>
  }

  export interface DeviceCertificateNameFieldEvent {
    field: '$.name'
    value: string
  }

  export interface DeviceCertificateCreatedMsFieldEvent {
    field: '$.createdMs'
    value: number
  }

  export interface DeviceCertificateCapabilitiesFieldEvent {
    field: '$.capabilities'
    value: number
  }

  export function encode(obj: Partial<DeviceCertificate>): Uint8Array<ArrayBuffer> {
    return encodeMessage(obj, DeviceCertificate.codec())
  }

  export function decode(
    buf: Uint8Array | Uint8ArrayList,
    opts?: DecodeOptions<DeviceCertificate>,
  ): DeviceCertificate {
    return decodeMessage(buf, DeviceCertificate.codec(), opts)
  }

  export function stream(
    buf: Uint8Array | Uint8ArrayList,
    opts?: DecodeOptions<DeviceCertificate>,
  ): Generator<
    | DeviceCertificateAccountFieldEvent
    | DeviceCertificateDeviceFieldEvent
    | DeviceCertificateNameFieldEvent
    | DeviceCertificateCreatedMsFieldEvent
    | DeviceCertificateCapabilitiesFieldEvent
  > {
    return streamMessage(buf, DeviceCertificate.codec(), opts)
  }
}

export interface DeviceList {
  account: Uint8Array<ArrayBuffer>
  version: number
  devices: Uint8Array<ArrayBuffer>[]
  revoked: RevokedDevice[]
  nextRecovery: Uint8Array<ArrayBuffer>
}

export namespace DeviceList {
  let _codec: Codec<DeviceList>

  export const codec = (): Codec<DeviceList> => {
    if (_codec == null) {
      _codec = message<DeviceList>(
        (obj, w, opts = {}) => {
          if (opts.lengthDelimited !== false) {
            w.fork()
          }

          if (obj.account != null && obj.account.byteLength > 0) {
            w.uint32(10)
            w.bytes(obj.account)
          }

          if (obj.version != null && obj.version !== 0) {
            w.uint32(16)
            w.uint64Number(obj.version)
          }

          if (obj.devices != null && obj.devices.length > 0) {
            for (const value of obj.devices) {
              w.uint32(26)
              w.bytes(value)
            }
          }

          if (obj.revoked != null && obj.revoked.length > 0) {
            for (const value of obj.revoked) {
              w.uint32(34)
              RevokedDevice.codec().encode(value, w)
            }
          }

          if (obj.nextRecovery != null && obj.nextRecovery.byteLength > 0) {
            w.uint32(42)
            w.bytes(obj.nextRecovery)
          }

          if (opts.lengthDelimited !== false) {
            w.ldelim()
          }
        },
        (reader, length, opts = {}) => {
          const obj: any = {
            account: uint8ArrayAlloc(0),
            version: 0,
            devices: [],
            revoked: [],
            nextRecovery: uint8ArrayAlloc(0),
          }

          const end = length == null ? reader.len : reader.pos + length

          while (reader.pos < end) {
            const tag = reader.uint32()

            switch (tag >>> 3) {
              case 1: {
                obj.account = reader.bytes()
                break
              }
              case 2: {
                obj.version = reader.uint64Number()
                break
              }
              case 3: {
                if (opts.limits?.devices != null && obj.devices.length === opts.limits.devices) {
                  throw new MaxLengthError(
                    'Decode error - repeated field "devices" had too many elements',
                  )
                }

                obj.devices.push(reader.bytes())
                break
              }
              case 4: {
                if (opts.limits?.revoked != null && obj.revoked.length === opts.limits.revoked) {
                  throw new MaxLengthError(
                    'Decode error - repeated field "revoked" had too many elements',
                  )
                }

                obj.revoked.push(
                  RevokedDevice.codec().decode(reader, reader.uint32(), {
                    limits: opts.limits?.revoked$,
                  }),
                )
                break
              }
              case 5: {
                obj.nextRecovery = reader.bytes()
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
            devices: 0,
            revoked: 0,
          }

          const end = length == null ? reader.len : reader.pos + length

          while (reader.pos < end) {
            const tag = reader.uint32()

            switch (tag >>> 3) {
              case 1: {
                yield {
                  field: `${prefix}.account`,
                  value: reader.bytes(),
                }
                break
              }
              case 2: {
                yield {
                  field: `${prefix}.version`,
                  value: reader.uint64Number(),
                }
                break
              }
              case 3: {
                if (opts.limits?.devices != null && obj.devices === opts.limits.devices) {
                  throw new MaxLengthError(
                    'Streaming decode error - repeated field "devices" had too many elements',
                  )
                }

                yield {
                  field: `${prefix}.devices[]`,
                  index: obj.devices,
                  value: reader.bytes(),
                }

                obj.devices++

                break
              }
              case 4: {
                if (opts.limits?.revoked != null && obj.revoked === opts.limits.revoked) {
                  throw new MaxLengthError(
                    'Streaming decode error - repeated field "revoked" had too many elements',
                  )
                }

                for (const evt of RevokedDevice.codec().stream(
                  reader,
                  reader.uint32(),
                  `${prefix}.revoked[]`,
                  {
                    limits: opts.limits?.revoked$,
                  },
                )) {
                  yield {
                    ...evt,
                    index: obj.revoked,
                  }
                }

                obj.revoked++

                break
              }
              case 5: {
                yield {
                  field: `${prefix}.nextRecovery`,
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

  export interface DeviceListAccountFieldEvent {
    field: '$.account'
    value: Uint8Array<ArrayBuffer>
  }

  export interface DeviceListVersionFieldEvent {
    field: '$.version'
    value: number
  }

  export interface DeviceListDevicesFieldEvent {
    field: '$.devices[]'
    index: number
    value: Uint8Array<ArrayBuffer>
  }

  export interface DeviceListRevokedDeviceFieldEvent {
    field: '$.revoked[].device'
    value: Uint8Array<ArrayBuffer>
    index: number
  }

  export interface DeviceListRevokedAtMsFieldEvent {
    field: '$.revoked[].atMs'
    value: number
    index: number
  }

  export interface DeviceListNextRecoveryFieldEvent {
    field: '$.nextRecovery'
    value: Uint8Array<ArrayBuffer>
  }

  export function encode(obj: Partial<DeviceList>): Uint8Array<ArrayBuffer> {
    return encodeMessage(obj, DeviceList.codec())
  }

  export function decode(
    buf: Uint8Array | Uint8ArrayList,
    opts?: DecodeOptions<DeviceList>,
  ): DeviceList {
    return decodeMessage(buf, DeviceList.codec(), opts)
  }

  export function stream(
    buf: Uint8Array | Uint8ArrayList,
    opts?: DecodeOptions<DeviceList>,
  ): Generator<
    | DeviceListAccountFieldEvent
    | DeviceListVersionFieldEvent
    | DeviceListDevicesFieldEvent
    | DeviceListRevokedDeviceFieldEvent
    | DeviceListRevokedAtMsFieldEvent
    | DeviceListNextRecoveryFieldEvent
  > {
    return streamMessage(buf, DeviceList.codec(), opts)
  }
}

export interface RevokedDevice {
  device: Uint8Array<ArrayBuffer>
  atMs: number
}

export namespace RevokedDevice {
  let _codec: Codec<RevokedDevice>

  export const codec = (): Codec<RevokedDevice> => {
    if (_codec == null) {
      _codec = message<RevokedDevice>(
        (obj, w, opts = {}) => {
          if (opts.lengthDelimited !== false) {
            w.fork()
          }

          if (obj.device != null && obj.device.byteLength > 0) {
            w.uint32(10)
            w.bytes(obj.device)
          }

          if (obj.atMs != null && obj.atMs !== 0) {
            w.uint32(16)
            w.uint64Number(obj.atMs)
          }

          if (opts.lengthDelimited !== false) {
            w.ldelim()
          }
        },
        (reader, length, opts = {}) => {
          const obj: any = {
            device: uint8ArrayAlloc(0),
            atMs: 0,
          }

          const end = length == null ? reader.len : reader.pos + length

          while (reader.pos < end) {
            const tag = reader.uint32()

            switch (tag >>> 3) {
              case 1: {
                obj.device = reader.bytes()
                break
              }
              case 2: {
                obj.atMs = reader.uint64Number()
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
                  field: `${prefix}.device`,
                  value: reader.bytes(),
                }
                break
              }
              case 2: {
                yield {
                  field: `${prefix}.atMs`,
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

  export interface RevokedDeviceDeviceFieldEvent {
    field: '$.device'
    value: Uint8Array<ArrayBuffer>
  }

  export interface RevokedDeviceAtMsFieldEvent {
    field: '$.atMs'
    value: number
  }

  export function encode(obj: Partial<RevokedDevice>): Uint8Array<ArrayBuffer> {
    return encodeMessage(obj, RevokedDevice.codec())
  }

  export function decode(
    buf: Uint8Array | Uint8ArrayList,
    opts?: DecodeOptions<RevokedDevice>,
  ): RevokedDevice {
    return decodeMessage(buf, RevokedDevice.codec(), opts)
  }

  export function stream(
    buf: Uint8Array | Uint8ArrayList,
    opts?: DecodeOptions<RevokedDevice>,
  ): Generator<RevokedDeviceDeviceFieldEvent | RevokedDeviceAtMsFieldEvent> {
    return streamMessage(buf, RevokedDevice.codec(), opts)
  }
}

export interface KeyRotation {
  oldKey: Uint8Array<ArrayBuffer>
  newKey: Uint8Array<ArrayBuffer>
  sequence: number
  atMs: number
  nextRecovery: Uint8Array<ArrayBuffer>
}

export namespace KeyRotation {
  let _codec: Codec<KeyRotation>

  export const codec = (): Codec<KeyRotation> => {
    if (_codec == null) {
      _codec = message<KeyRotation>(
        (obj, w, opts = {}) => {
          if (opts.lengthDelimited !== false) {
            w.fork()
          }

          if (obj.oldKey != null && obj.oldKey.byteLength > 0) {
            w.uint32(10)
            w.bytes(obj.oldKey)
          }

          if (obj.newKey != null && obj.newKey.byteLength > 0) {
            w.uint32(18)
            w.bytes(obj.newKey)
          }

          if (obj.sequence != null && obj.sequence !== 0) {
            w.uint32(24)
            w.uint64Number(obj.sequence)
          }

          if (obj.atMs != null && obj.atMs !== 0) {
            w.uint32(32)
            w.uint64Number(obj.atMs)
          }

          if (obj.nextRecovery != null && obj.nextRecovery.byteLength > 0) {
            w.uint32(42)
            w.bytes(obj.nextRecovery)
          }

          if (opts.lengthDelimited !== false) {
            w.ldelim()
          }
        },
        (reader, length, opts = {}) => {
          const obj: any = {
            oldKey: uint8ArrayAlloc(0),
            newKey: uint8ArrayAlloc(0),
            sequence: 0,
            atMs: 0,
            nextRecovery: uint8ArrayAlloc(0),
          }

          const end = length == null ? reader.len : reader.pos + length

          while (reader.pos < end) {
            const tag = reader.uint32()

            switch (tag >>> 3) {
              case 1: {
                obj.oldKey = reader.bytes()
                break
              }
              case 2: {
                obj.newKey = reader.bytes()
                break
              }
              case 3: {
                obj.sequence = reader.uint64Number()
                break
              }
              case 4: {
                obj.atMs = reader.uint64Number()
                break
              }
              case 5: {
                obj.nextRecovery = reader.bytes()
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
                  field: `${prefix}.oldKey`,
                  value: reader.bytes(),
                }
                break
              }
              case 2: {
                yield {
                  field: `${prefix}.newKey`,
                  value: reader.bytes(),
                }
                break
              }
              case 3: {
                yield {
                  field: `${prefix}.sequence`,
                  value: reader.uint64Number(),
                }
                break
              }
              case 4: {
                yield {
                  field: `${prefix}.atMs`,
                  value: reader.uint64Number(),
                }
                break
              }
              case 5: {
                yield {
                  field: `${prefix}.nextRecovery`,
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

  export interface KeyRotationOldKeyFieldEvent {
    field: '$.oldKey'
    value: Uint8Array<ArrayBuffer>
  }

  export interface KeyRotationNewKeyFieldEvent {
    field: '$.newKey'
    value: Uint8Array<ArrayBuffer>
  }

  export interface KeyRotationSequenceFieldEvent {
    field: '$.sequence'
    value: number
  }

  export interface KeyRotationAtMsFieldEvent {
    field: '$.atMs'
    value: number
  }

  export interface KeyRotationNextRecoveryFieldEvent {
    field: '$.nextRecovery'
    value: Uint8Array<ArrayBuffer>
  }

  export function encode(obj: Partial<KeyRotation>): Uint8Array<ArrayBuffer> {
    return encodeMessage(obj, KeyRotation.codec())
  }

  export function decode(
    buf: Uint8Array | Uint8ArrayList,
    opts?: DecodeOptions<KeyRotation>,
  ): KeyRotation {
    return decodeMessage(buf, KeyRotation.codec(), opts)
  }

  export function stream(
    buf: Uint8Array | Uint8ArrayList,
    opts?: DecodeOptions<KeyRotation>,
  ): Generator<
    | KeyRotationOldKeyFieldEvent
    | KeyRotationNewKeyFieldEvent
    | KeyRotationSequenceFieldEvent
    | KeyRotationAtMsFieldEvent
    | KeyRotationNextRecoveryFieldEvent
  > {
    return streamMessage(buf, KeyRotation.codec(), opts)
  }
}

export interface KeyRecovery {
  oldKey: Uint8Array<ArrayBuffer>
  newKey: Uint8Array<ArrayBuffer>
  sequence: number
  atMs: number
  nextRecovery: Uint8Array<ArrayBuffer>
}

export namespace KeyRecovery {
  let _codec: Codec<KeyRecovery>

  export const codec = (): Codec<KeyRecovery> => {
    if (_codec == null) {
      _codec = message<KeyRecovery>(
        (obj, w, opts = {}) => {
          if (opts.lengthDelimited !== false) {
            w.fork()
          }

          if (obj.oldKey != null && obj.oldKey.byteLength > 0) {
            w.uint32(10)
            w.bytes(obj.oldKey)
          }

          if (obj.newKey != null && obj.newKey.byteLength > 0) {
            w.uint32(18)
            w.bytes(obj.newKey)
          }

          if (obj.sequence != null && obj.sequence !== 0) {
            w.uint32(24)
            w.uint64Number(obj.sequence)
          }

          if (obj.atMs != null && obj.atMs !== 0) {
            w.uint32(32)
            w.uint64Number(obj.atMs)
          }

          if (obj.nextRecovery != null && obj.nextRecovery.byteLength > 0) {
            w.uint32(42)
            w.bytes(obj.nextRecovery)
          }

          if (opts.lengthDelimited !== false) {
            w.ldelim()
          }
        },
        (reader, length, opts = {}) => {
          const obj: any = {
            oldKey: uint8ArrayAlloc(0),
            newKey: uint8ArrayAlloc(0),
            sequence: 0,
            atMs: 0,
            nextRecovery: uint8ArrayAlloc(0),
          }

          const end = length == null ? reader.len : reader.pos + length

          while (reader.pos < end) {
            const tag = reader.uint32()

            switch (tag >>> 3) {
              case 1: {
                obj.oldKey = reader.bytes()
                break
              }
              case 2: {
                obj.newKey = reader.bytes()
                break
              }
              case 3: {
                obj.sequence = reader.uint64Number()
                break
              }
              case 4: {
                obj.atMs = reader.uint64Number()
                break
              }
              case 5: {
                obj.nextRecovery = reader.bytes()
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
                  field: `${prefix}.oldKey`,
                  value: reader.bytes(),
                }
                break
              }
              case 2: {
                yield {
                  field: `${prefix}.newKey`,
                  value: reader.bytes(),
                }
                break
              }
              case 3: {
                yield {
                  field: `${prefix}.sequence`,
                  value: reader.uint64Number(),
                }
                break
              }
              case 4: {
                yield {
                  field: `${prefix}.atMs`,
                  value: reader.uint64Number(),
                }
                break
              }
              case 5: {
                yield {
                  field: `${prefix}.nextRecovery`,
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

  export interface KeyRecoveryOldKeyFieldEvent {
    field: '$.oldKey'
    value: Uint8Array<ArrayBuffer>
  }

  export interface KeyRecoveryNewKeyFieldEvent {
    field: '$.newKey'
    value: Uint8Array<ArrayBuffer>
  }

  export interface KeyRecoverySequenceFieldEvent {
    field: '$.sequence'
    value: number
  }

  export interface KeyRecoveryAtMsFieldEvent {
    field: '$.atMs'
    value: number
  }

  export interface KeyRecoveryNextRecoveryFieldEvent {
    field: '$.nextRecovery'
    value: Uint8Array<ArrayBuffer>
  }

  export function encode(obj: Partial<KeyRecovery>): Uint8Array<ArrayBuffer> {
    return encodeMessage(obj, KeyRecovery.codec())
  }

  export function decode(
    buf: Uint8Array | Uint8ArrayList,
    opts?: DecodeOptions<KeyRecovery>,
  ): KeyRecovery {
    return decodeMessage(buf, KeyRecovery.codec(), opts)
  }

  export function stream(
    buf: Uint8Array | Uint8ArrayList,
    opts?: DecodeOptions<KeyRecovery>,
  ): Generator<
    | KeyRecoveryOldKeyFieldEvent
    | KeyRecoveryNewKeyFieldEvent
    | KeyRecoverySequenceFieldEvent
    | KeyRecoveryAtMsFieldEvent
    | KeyRecoveryNextRecoveryFieldEvent
  > {
    return streamMessage(buf, KeyRecovery.codec(), opts)
  }
}
