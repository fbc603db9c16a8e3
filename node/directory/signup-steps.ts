/**
 * The node's side of a relay's sign-up policy: ask what the relay requires, start a
 * verification (the relay sends a code, or hands out a login URL), and follow it until an
 * OpenID login completes. The claim itself stays NodeDirectory.register, which presents
 * the verification. Views carry the relay's peer id so the claim goes to the same relay.
 */
import { DirectoryRequestError } from '../../protocol/directory-errors.ts'
import type {
  SignupMethod,
  SignupPolicyView,
  StartVerificationRequest,
  VerificationView,
} from '../../protocol/local-api.ts'
import type { VerificationTicket } from '../../protocol/proto/directory.ts'
import type { DirectoryClient, RelayTarget } from './directory-client.ts'

const NO_POLICY = {
  methods: [],
  codeLength: 0,
  oidcProvider: '',
  inviteRequired: false,
  workBits: 0,
}

export class SignupSteps {
  private readonly client: DirectoryClient
  private readonly pickRelay: (named?: string) => Promise<RelayTarget>

  constructor(client: DirectoryClient, pickRelay: (named?: string) => Promise<RelayTarget>) {
    this.client = client
    this.pickRelay = pickRelay
  }

  async policy(relayName?: string): Promise<SignupPolicyView> {
    const relay = await this.pickRelay(relayName)
    const policy = await this.client.signupPolicy(relay).catch((err: unknown) => {
      // A relay older than sign-up policies does not know the question: it has none.
      if (err instanceof DirectoryRequestError) return NO_POLICY
      throw err
    })
    return {
      relayPeerId: relay.peerId.toString(),
      methods: policy.methods as SignupMethod[],
      codeLength: policy.codeLength,
      oidcProvider: policy.oidcProvider === '' ? undefined : policy.oidcProvider,
      inviteRequired: policy.inviteRequired,
      workBits: policy.workBits,
    }
  }

  async start(request: StartVerificationRequest): Promise<VerificationView> {
    const relay = await this.pickRelay(request.relay)
    const ticket = await this.client.startVerification(relay, request.method, request.address ?? '')
    return verificationView(relay, ticket)
  }

  async status(id: string, relayName?: string): Promise<VerificationView> {
    const relay = await this.pickRelay(relayName)
    return verificationView(relay, await this.client.verificationStatus(relay, verificationId(id)))
  }
}

/** A verification id as the API gives it (hex) back to bytes. */
export function verificationId(hex: string): Uint8Array {
  if (!/^([0-9a-f]{2}){1,64}$/.test(hex)) {
    throw new DirectoryRequestError('the verification id must be the hex id the relay gave')
  }
  return Buffer.from(hex, 'hex')
}

function verificationView(relay: RelayTarget, ticket: VerificationTicket): VerificationView {
  return {
    id: Buffer.from(ticket.id).toString('hex'),
    relayPeerId: relay.peerId.toString(),
    method: ticket.method as SignupMethod,
    expiresAt: Number(ticket.expiresMs),
    sentTo: ticket.sentTo === '' ? undefined : ticket.sentTo,
    authorizationUrl: ticket.authorizationUrl === '' ? undefined : ticket.authorizationUrl,
    completed: ticket.completed,
  }
}
