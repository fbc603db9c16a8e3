/**
 * Every decoder a stranger's bytes reach, each with valid encodings to mutate from: the
 * protocol's decoders (framing, DM frames, envelopes and contents, mailbox and prekey
 * records, account records, directory records, presence, friend messages, rooms,
 * attachments, hole punching, the ratchet header, invite codes) and the node's and relay's own decodeMessage calls. Records signed
 * by their sender also come with their payloads and a way to re-sign a mutated one, so the
 * fuzzers reach the checks behind the signature, as a peer signing its own malformed
 * records would; sealed ones are re-sealed the same way.
 *
 * The property test/fuzz/decoder-fuzz.ts holds each entry to: a value, or an error of a
 * ProtocolError subclass (each with a stable name); never a TypeError or RangeError from
 * inside, and no allocation out of proportion to the input.
 */
import type { DecoderEntry } from './decoder-entry.ts'
import { accounts } from './decoders-accounts.ts'
import { history } from './decoders-history.ts'
import { images } from './decoders-images.ts'
import { directory, mailbox, social } from './decoders-records.ts'
import { attachments, messaging, punching, rooms } from './decoders-streams.ts'

export type { DecoderEntry } from './decoder-entry.ts'

/** Builds the table (fresh seals and signatures each time). */
export function decoderTable(): DecoderEntry[] {
  return [
    ...messaging(),
    ...mailbox(),
    ...accounts(),
    ...directory(),
    ...social(),
    ...rooms(),
    ...attachments(),
    ...punching(),
    ...history(),
    ...images(),
  ]
}
