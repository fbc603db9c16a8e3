/**
 * The demo's contact: a real TokenIM node that behaves like a friendly person. It takes a
 * username, accepts every friend request, greets each new friend with an invite to its
 * demo room, and answers every message it receives, 1:1 and in the room.
 */

import type { TokenimNode } from '../node/index.ts'
import type { NodeEventMessage } from '../protocol/local-api.ts'
import { whenRelayConnected } from './relay-connected.ts'

export const DEMO_CONTACT_NAME = 'demo-buddy'
export const DEMO_ROOM_NAME = 'TokenIM demo room'
/** The start of the message that carries the room's invite code, on a line of its own after it. */
export const DEMO_INVITE_PREFIX = 'Join the demo room with this invite code:'

export interface DemoContactInit {
  /** Tells what the contact does, one line each (the demo prints them). */
  log?: (line: string) => void
}

type Listener = (event: CustomEvent<NodeEventMessage>) => void

export class DemoContact {
  private readonly node: TokenimNode
  private readonly log: (line: string) => void
  private readonly listeners: Array<[string, Listener]> = []
  private demoRoomId?: string
  private replies = 0

  constructor(node: TokenimNode, init: DemoContactInit = {}) {
    this.node = node
    this.log = init.log ?? (() => {})
  }

  get roomId(): string {
    if (this.demoRoomId == null) throw new Error('the demo contact is not started')
    return this.demoRoomId
  }

  /** Registers the name, opens the demo room and starts answering. */
  async start(signal: AbortSignal): Promise<void> {
    this.on('friend:request', (event) => {
      const { peerId } = (event as NodeEventMessage<'friend:request'>).data
      void this.node.friends
        .accept(peerId)
        .catch((err: Error) => this.log(`could not accept ${peerId}: ${err.message}`))
    })
    this.on('friend:accepted', (event) => {
      void this.greet((event as NodeEventMessage<'friend:accepted'>).data.peerId)
    })
    this.on('message:received', (event) => {
      const message = (event as NodeEventMessage<'message:received'>).data
      if (message.direction !== 'in') return
      void this.node.messages
        .send(message.peerId, this.replyTo(message.text))
        .catch((err: Error) => this.log(`could not answer ${message.peerId}: ${err.message}`))
    })
    this.on('room:message', (event) => {
      const message = (event as NodeEventMessage<'room:message'>).data
      if (message.mine || message.roomId !== this.demoRoomId) return
      void this.node.rooms
        .send(message.roomId, this.replyTo(message.text))
        .catch((err: Error) => this.log(`could not answer in the room: ${err.message}`))
    })
    this.demoRoomId = (await this.ensureRoom()).roomId
    await whenRelayConnected(this.node, signal)
    await this.node.directory.register(DEMO_CONTACT_NAME)
    await this.node.directory.setProfile({
      displayName: 'Demo Buddy',
      bio: 'A demo contact that answers every message.',
    })
  }

  stop(): void {
    for (const [type, listener] of this.listeners.splice(0)) {
      this.node.removeEventListener(type as never, listener as never)
    }
  }

  /** The invite code of the demo room. */
  invite(): string {
    return this.node.rooms.invite(this.roomId).invite
  }

  private on(type: NodeEventMessage['type'], handler: (event: NodeEventMessage) => void): void {
    const listener: Listener = (event) => handler(event.detail)
    this.listeners.push([type, listener])
    this.node.addEventListener(type, listener as never)
  }

  private async ensureRoom() {
    const owned = this.node.rooms
      .listRooms()
      .find((room) => room.name === DEMO_ROOM_NAME && room.role === 'owner')
    if (owned != null) return owned
    const { room } = await this.node.rooms.create(DEMO_ROOM_NAME)
    await this.node.rooms.send(room.roomId, 'Welcome to the demo room! Say hello.')
    return room
  }

  private async greet(peerId: string): Promise<void> {
    try {
      await this.node.messages.send(
        peerId,
        "Hi, I'm Demo Buddy, a TokenIM node running next to yours. Write me anything and I'll answer.",
      )
      await this.node.messages.send(peerId, `${DEMO_INVITE_PREFIX}\n${this.invite()}`)
      this.log(`greeted ${peerId} and sent the demo room's invite`)
    } catch (err) {
      this.log(`could not greet ${peerId}: ${(err as Error).message}`)
    }
  }

  /** A friendly answer that shows the text went through. */
  private replyTo(text: string): string {
    const quoted = text.length > 80 ? `${text.slice(0, 77)}...` : text
    const tips = [
      'Try a file or an image next: it travels encrypted end to end too.',
      'Open Settings to appear offline: I will see you go grey.',
      'Everything you send me is encrypted on your node and decrypted only on mine.',
      'Rooms are group chats: join the demo room with the invite I sent you.',
    ]
    const tip = tips[this.replies++ % tips.length]
    if (/^\s*(hi|hello|hey|hallo|hola)\b/i.test(text)) return `Hello to you too! ${tip}`
    return `You said: "${quoted}". ${tip}`
  }
}
