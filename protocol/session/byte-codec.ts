/** Fixed-layout binary reading and writing for session headers and persisted state. */
import { concatBytes } from '../bytes.ts'
import { MalformedMessageError } from '../errors.ts'

export class ByteWriter {
  readonly #chunks: Uint8Array[] = []

  u8(value: number): this {
    checkRange(value, 0xff)
    return this.bytes(Uint8Array.of(value))
  }

  u16(value: number): this {
    checkRange(value, 0xffff)
    const out = new Uint8Array(2)
    new DataView(out.buffer).setUint16(0, value)
    return this.bytes(out)
  }

  u32(value: number): this {
    checkRange(value, 0xffff_ffff)
    const out = new Uint8Array(4)
    new DataView(out.buffer).setUint32(0, value)
    return this.bytes(out)
  }

  bytes(value: Uint8Array): this {
    this.#chunks.push(value)
    return this
  }

  finish(): Uint8Array {
    return concatBytes(...this.#chunks)
  }
}

/** Reads a fixed layout; every overrun or leftover byte is a MalformedMessageError. */
export class ByteReader {
  readonly #bytes: Uint8Array
  readonly #what: string
  #offset = 0

  constructor(bytes: Uint8Array, what: string) {
    if (!(bytes instanceof Uint8Array)) {
      throw new MalformedMessageError(`${what} must be bytes`)
    }
    this.#bytes = bytes
    this.#what = what
  }

  u8(): number {
    return this.bytes(1)[0]
  }

  u16(): number {
    const view = this.bytes(2)
    return new DataView(view.buffer, view.byteOffset, 2).getUint16(0)
  }

  u32(): number {
    const view = this.bytes(4)
    return new DataView(view.buffer, view.byteOffset, 4).getUint32(0)
  }

  /** A copy, so the result stays valid if the caller reuses the input buffer. */
  bytes(length: number): Uint8Array {
    if (this.#offset + length > this.#bytes.length) {
      throw new MalformedMessageError(`${this.#what} is truncated`)
    }
    const out = this.#bytes.slice(this.#offset, this.#offset + length)
    this.#offset += length
    return out
  }

  end(): void {
    if (this.#offset !== this.#bytes.length) {
      throw new MalformedMessageError(
        `${this.#what} has ${this.#bytes.length - this.#offset} unexpected trailing bytes`,
      )
    }
  }
}

export function isUint32(value: number): boolean {
  return Number.isInteger(value) && value >= 0 && value <= 0xffff_ffff
}

function checkRange(value: number, max: number): void {
  if (!Number.isInteger(value) || value < 0 || value > max) {
    throw new RangeError(`${value} does not fit an unsigned field with maximum ${max}`)
  }
}
