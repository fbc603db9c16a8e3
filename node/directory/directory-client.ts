/**
 * The node's side of `/tokenim/directory/1.0.0`: claims on a stream of their own, lookups and
 * searches pipelined on one shared stream per relay (directory-stream.ts), every answer
 * verified before it is believed (the relay's signature, the name asked for, the owner key,
 * the expiry).
 */
import { setImmediate as yieldToEventLoop } from 'node:timers/promises'
import type { AbortOptions, NewStreamOptions, PeerId, Stream } from '@libp2p/interface'
import type { Multiaddr } from '@multiformats/multiaddr'
import { bytesEqual } from '../../protocol/bytes.ts'
import { checkIceServers, type IceServer } from '../../protocol/calls.ts'
import type { Ed25519KeyPair } from '../../protocol/crypto/index.ts'
import {
  CLAIM_ACTION_REGISTER,
  CLAIM_ACTION_RELEASE,
  type ClaimAction,
  isReleasedRecord,
  type NameRecordFields,
  type OpenedProfile,
  openNameRecord,
  openProfile,
  type ProfileFields,
  searchWork,
  signClaimProof,
  signProfile,
  wireBytes,
} from '../../protocol/directory.ts'
import {
  ClaimRefusedError,
  DirectoryError,
  DirectoryRequestError,
  NameNotFoundError,
  UntrustedRecordError,
  VerificationRequiredError,
} from '../../protocol/directory-errors.ts'
import { DIRECTORY_PROTOCOL } from '../../protocol/ids.ts'
import { DIRECTORY_STREAM_LIMITS } from '../../protocol/limits.ts'
import type {
  DirectoryRequest,
  DirectoryResponse,
  SignupPolicy,
  VerificationTicket,
} from '../../protocol/proto/directory.ts'
import { normalizeForm } from '../../protocol/username.ts'
import { DirectoryStream, RequestPipeline } from './directory-stream.ts'

/** What the client needs of a libp2p host. */
export interface DirectoryHost {
  dialProtocol(
    peer: PeerId | Multiaddr | Multiaddr[],
    protocols: string,
    options?: NewStreamOptions,
  ): Promise<Stream>
}

/** A relay: its PeerId (whose Ed25519 key scopes its names) and how to reach it. */
export interface RelayTarget {
  peerId: PeerId
  /** Dialled when given; else the host dials the PeerId from its peer store. */
  addresses?: Multiaddr[]
}

export interface VerifiedName extends NameRecordFields {
  /** The relay-signed record as received. */
  record: Uint8Array
}

export interface VerifiedLookup extends VerifiedName {
  profile?: OpenedProfile
}

export interface SearchResultEntry extends VerifiedName {
  profile: OpenedProfile
}

export interface DirectoryClientInit {
  host: DirectoryHost
  identity: Ed25519KeyPair
  /** One request/response exchange. @default 10000 */
  timeoutMs?: number
  /** A claim, proof of work included. @default 120000 */
  claimTimeoutMs?: number
}

/** A completed sign-up verification presented with a claim. */
export interface ClaimVerification {
  id: Uint8Array
  /** The code an e-mail or text message brought; none for an OpenID login. */
  code?: string
}

export interface RegisterOptions extends AbortOptions {
  inviteCode?: string
  verification?: ClaimVerification
}

/** Starting a verification waits for the relay to send an e-mail or a text message. */
const VERIFICATION_START_TIMEOUT_MS = 30_000

/** Hashes tried between two yields to the event loop while solving a proof of work. */
const WORK_SLICE = 20_000

export class DirectoryClient {
  private readonly host: DirectoryHost
  private readonly identity: Ed25519KeyPair
  private readonly timeoutMs: number
  private readonly claimTimeoutMs: number
  private readonly pipelines = new Map<string, RequestPipeline>()

  constructor(init: DirectoryClientInit) {
    this.host = init.host
    this.identity = init.identity
    this.timeoutMs = init.timeoutMs ?? 10_000
    this.claimTimeoutMs = init.claimTimeoutMs ?? 120_000
  }

  /** Registers `name` on `relay`, or renews it when it is already ours there. */
  async register(
    relay: RelayTarget,
    name: string,
    options: RegisterOptions = {},
  ): Promise<VerifiedName> {
    const record = await this.retryOnce(options, () =>
      this.claim(relay, name, CLAIM_ACTION_REGISTER, options),
    )
    if (!bytesEqual(record.publicKey, this.identity.publicKey)) {
      throw new UntrustedRecordError('the relay issued the name to another key')
    }
    return record
  }

  /** Gives `name` up on `relay`; returns the relay's release record. */
  async release(
    relay: RelayTarget,
    name: string,
    options: AbortOptions = {},
  ): Promise<VerifiedName> {
    const record = await this.claim(relay, name, CLAIM_ACTION_RELEASE, options)
    if (!isReleasedRecord(record))
      throw new UntrustedRecordError('the relay did not release the name')
    return record
  }

  /**
   * Moves the name an earlier key of the account holds on `relay` to `currentKey`, carrying
   * the account's rotations (and recoveries) from its first key; returns the relay's new record.
   */
  async moveName(
    relay: RelayTarget,
    rotations: Uint8Array[],
    currentKey: Uint8Array,
    options: AbortOptions & { recoveries?: Uint8Array[] } = {},
  ): Promise<VerifiedName> {
    const request = {
      move: {
        rotations: rotations.map((rotation) => wireBytes(rotation)),
        recoveries: (options.recoveries ?? []).map((recovery) => wireBytes(recovery)),
      },
    }
    const response = await this.exchange(relay, request, options)
    if (response.nameRecord == null) {
      throw new DirectoryRequestError('the relay answered a name move without a record')
    }
    const record = this.verifyRecord(relay, response.nameRecord)
    if (!bytesEqual(record.publicKey, currentKey)) {
      throw new UntrustedRecordError('the relay moved the name to another key')
    }
    return record
  }

  /**
   * The STUN and TURN servers `relay` offers for calls, with TURN credentials for us, checked
   * (protocol/calls.ts); none from a relay that offers none or does not know the question.
   */
  async iceServers(
    relay: RelayTarget,
    options: AbortOptions = {},
  ): Promise<{ servers: IceServer[]; expiresMs: number }> {
    const response = await this.exchange(relay, { iceServers: true }, options)
    const offered = response.iceServers ?? { servers: [], expiresMs: 0 }
    return { servers: checkIceServers(offered.servers), expiresMs: offered.expiresMs }
  }

  /** What `relay` requires before it grants a name. */
  async signupPolicy(relay: RelayTarget, options: AbortOptions = {}): Promise<SignupPolicy> {
    const response = await this.exchange(relay, { signupPolicy: true }, options)
    if (response.signupPolicy == null) {
      throw new DirectoryRequestError('the relay did not say what it requires to sign up')
    }
    return response.signupPolicy
  }

  /**
   * Asks `relay` to send a sign-up code to `address` (method email or sms), or to prepare a
   * login with its OpenID provider (method oidc, no address): the ticket says where the
   * code went or which URL to open.
   */
  async startVerification(
    relay: RelayTarget,
    method: string,
    address: string,
    options: AbortOptions = {},
  ): Promise<VerificationTicket> {
    const request = { verify: { method, address } }
    return ticketOf(await this.exchange(relay, request, options, VERIFICATION_START_TIMEOUT_MS))
  }

  /** How a verification stands (whether an OpenID login completed). */
  async verificationStatus(
    relay: RelayTarget,
    id: Uint8Array,
    options: AbortOptions = {},
  ): Promise<VerificationTicket> {
    return ticketOf(await this.exchange(relay, { verification: { id: wireBytes(id) } }, options))
  }

  /**
   * Runs `attempt` again once when it failed for another reason than the relay's answer (a
   * stream or connection that broke). Registering twice is harmless: the second is a renewal.
   */
  private async retryOnce<T>(options: AbortOptions, attempt: () => Promise<T>): Promise<T> {
    try {
      return await attempt()
    } catch (err) {
      if (err instanceof DirectoryError || options.signal?.aborted === true) throw err
      return attempt()
    }
  }

  async lookup(
    relay: RelayTarget,
    rawName: string,
    options: AbortOptions = {},
  ): Promise<VerifiedLookup> {
    const name = normalizeForm(rawName)
    const response = await this.exchange(relay, { lookup: { name } }, options)
    if (response.nameRecord == null)
      throw new DirectoryRequestError('the relay answered a lookup without a record')
    const record = this.verifyRecord(relay, response.nameRecord, name)
    if (isReleasedRecord(record)) throw new NameNotFoundError(`"${name}" was released`)
    return { ...record, profile: profileOf(response.profile, record.publicKey) }
  }

  async search(
    relay: RelayTarget,
    prefix: string,
    limit: number,
    options: AbortOptions = {},
  ): Promise<SearchResultEntry[]> {
    const response = await this.exchange(relay, { search: { prefix, limit } }, options)
    const entries: SearchResultEntry[] = []
    for (const hit of response.search?.hits ?? []) {
      // A hit that does not verify is dropped rather than failing the whole answer.
      try {
        const record = this.verifyRecord(relay, hit.nameRecord)
        const profile = profileOf(hit.profile, record.publicKey)
        if (profile != null && !isReleasedRecord(record)) entries.push({ ...record, profile })
      } catch {}
    }
    return entries
  }

  async setProfile(
    relay: RelayTarget,
    fields: ProfileFields,
    options: AbortOptions = {},
  ): Promise<void> {
    const profile = signProfile(this.identity, fields)
    const response = await this.exchange(relay, { profile: wireBytes(profile) }, options)
    if (response.accepted !== true)
      throw new DirectoryRequestError('the relay did not accept the profile')
  }

  /** Opens a stream to `relay` (for the long-lived session channel). */
  async open(relay: RelayTarget, options: AbortOptions = {}): Promise<DirectoryStream> {
    const target =
      relay.addresses != null && relay.addresses.length > 0 ? relay.addresses : relay.peerId
    const stream = await this.host.dialProtocol(target, DIRECTORY_PROTOCOL, {
      ...options,
      // Nodes do not serve the directory, so no handler of ours sets the limit.
      maxOutboundStreams: DIRECTORY_STREAM_LIMITS.maxOutboundStreams,
    })
    return new DirectoryStream(stream)
  }

  private async claim(
    relay: RelayTarget,
    rawName: string,
    action: ClaimAction,
    options: RegisterOptions,
  ): Promise<VerifiedName> {
    const name = normalizeForm(rawName)
    const signal = anySignal(options.signal, this.claimTimeoutMs)
    const channel = await this.open(relay, { signal })
    try {
      const start =
        action === CLAIM_ACTION_REGISTER ? { register: { name } } : { release: { name } }
      await channel.send(start, signal)
      const challenge = (await channel.receive(signal)).challenge
      if (challenge == null) throw new DirectoryRequestError('the relay sent no challenge')
      if (challenge.inviteRequired && (options.inviteCode ?? '') === '') {
        throw new ClaimRefusedError('this relay registers names only with an invite code: pass one')
      }
      const verification = challenge.verification.length > 0 ? options.verification : undefined
      if (challenge.verification.length > 0 && verification == null) {
        throw new VerificationRequiredError(
          `this relay grants names only after a sign-up verification (${challenge.verification.join(' or ')}): start one, then register with it`,
          challenge.verification,
        )
      }
      const relayPublicKey = relayKeyOf(relay)
      const workNonce =
        challenge.workBits > 0
          ? await this.solveWork(challenge.nonce, name, challenge.workBits, signal)
          : new Uint8Array(0)
      const proof = signClaimProof(this.identity, {
        challenge: challenge.nonce,
        name,
        relayPublicKey,
        action,
      })
      await channel.send(
        {
          answer: {
            proof: wireBytes(proof),
            workNonce: wireBytes(workNonce),
            inviteCode: challenge.inviteRequired ? (options.inviteCode ?? '') : '',
            verificationId: wireBytes(verification?.id ?? new Uint8Array(0)),
            verificationCode: verification?.code ?? '',
          },
        },
        signal,
      )
      const response = await channel.receive(signal)
      if (response.nameRecord == null)
        throw new DirectoryRequestError('the relay answered without a record')
      return this.verifyRecord(relay, response.nameRecord, name)
    } finally {
      await channel.close()
    }
  }

  private async solveWork(
    challenge: Uint8Array,
    name: string,
    bits: number,
    signal: AbortSignal,
  ): Promise<Uint8Array> {
    for (let start = 0; ; start += WORK_SLICE) {
      signal.throwIfAborted()
      const nonce = searchWork(challenge, name, this.identity.publicKey, bits, start, WORK_SLICE)
      if (nonce != null) return nonce
      await yieldToEventLoop()
    }
  }

  /**
   * One request and its response on the relay's shared stream (opened on first use, reopened
   * once when it turns out to be closed): a new stream per lookup costs more than the lookup.
   */
  private async exchange(
    relay: RelayTarget,
    request: Partial<DirectoryRequest>,
    options: AbortOptions,
    timeoutMs = this.timeoutMs,
  ): Promise<DirectoryResponse> {
    const signal = anySignal(options.signal, timeoutMs)
    for (let attempt = 0; ; attempt++) {
      const pipeline = await this.pipelineTo(relay, signal)
      try {
        return await pipeline.request(request, signal)
      } catch (err) {
        // The relay's answer stands; a stream that broke (closed while idle, say) gets one
        // more try on a new one. Every request sent this way is safe to repeat.
        if (attempt > 0 || err instanceof DirectoryError || signal.aborted) throw err
      }
    }
  }

  private async pipelineTo(relay: RelayTarget, signal: AbortSignal): Promise<RequestPipeline> {
    const key = relay.peerId.toString()
    let pipeline = this.pipelines.get(key)
    if (pipeline == null || pipeline.closed) {
      const opening = this.open(relay, { signal }).then(
        (stream) => new RequestPipeline(stream, () => this.pipelines.delete(key)),
      )
      pipeline = await opening
      const raced = this.pipelines.get(key)
      if (raced != null && !raced.closed) {
        void pipeline.close()
        return raced
      }
      this.pipelines.set(key, pipeline)
    }
    return pipeline
  }

  /** Closes the shared streams (the node is stopping). */
  async close(): Promise<void> {
    await Promise.all([...this.pipelines.values()].map((pipeline) => pipeline.close()))
    this.pipelines.clear()
  }

  private verifyRecord(relay: RelayTarget, bytes: Uint8Array, name?: string): VerifiedName {
    const fields = openNameRecord(bytes, {
      name,
      relayPublicKey: relayKeyOf(relay),
      allowExpired: false,
    })
    return { ...fields, record: bytes }
  }
}

/** The Ed25519 key of a relay's PeerId: the scope its names live in. */
export function relayKeyOf(relay: RelayTarget | PeerId): Uint8Array {
  const peerId = 'peerId' in relay ? relay.peerId : relay
  if (peerId.publicKey?.type !== 'Ed25519') {
    throw new DirectoryRequestError(`relay ${peerId.toString()} has no Ed25519 key`)
  }
  return peerId.publicKey.raw
}

function ticketOf(response: DirectoryResponse): VerificationTicket {
  if (response.verification == null) {
    throw new DirectoryRequestError('the relay answered without a verification')
  }
  return response.verification
}

function profileOf(bytes: Uint8Array | undefined, owner: Uint8Array): OpenedProfile | undefined {
  if (bytes == null || bytes.length === 0) return undefined
  try {
    const profile = openProfile(bytes)
    return bytesEqual(profile.publicKey, owner) ? profile : undefined
  } catch {
    return undefined
  }
}

function anySignal(signal: AbortSignal | undefined, timeoutMs: number): AbortSignal {
  const timeout = AbortSignal.timeout(timeoutMs)
  return signal == null ? timeout : AbortSignal.any([signal, timeout])
}
