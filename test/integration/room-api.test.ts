import { afterEach, describe, expect, it } from 'vitest'
import { LocalApiClient } from '../../client/api-client.ts'
import type { TokenimNode } from '../../node/index.ts'
import {
  API_PATHS,
  type CreateRoomResponse,
  type NodeEventMessage,
  type RoomHistoryResponse,
  type RoomListResponse,
  type RoomMembersResponse,
  type RoomMessageView,
  type RoomSummary,
} from '../../protocol/local-api.ts'
import { startLocalNode } from '../helpers/local-node.ts'
import { withTimeout } from '../helpers/wait.ts'

const cleanups: Array<() => Promise<void>> = []
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup()
})

async function startNode(): Promise<{ node: TokenimNode; client: LocalApiClient }> {
  const { node, dataDir } = await startLocalNode(cleanups)
  return { node, client: await LocalApiClient.forDataDir(dataDir) }
}

describe('rooms through the local API', () => {
  it('create, join by invite, send, history, members, list and events', async () => {
    const alice = await startNode()
    const bob = await startNode()
    await bob.node.host.dial(alice.node.host.getMultiaddrs()[0])

    const created = await alice.client.request<CreateRoomResponse>('POST', API_PATHS.rooms, {
      name: 'api room',
      inviteOnly: true,
    })
    expect(created.roomId).toMatch(/^[0-9a-f]{64}$/)
    expect(created.room.role).toBe('owner')

    let messageArrived!: (message: RoomMessageView) => void
    const arrived = new Promise<RoomMessageView>((resolve) => {
      messageArrived = resolve
    })
    const subscription = await alice.client.subscribe((event: NodeEventMessage) => {
      if (event.type === 'room:message') messageArrived(event.data as RoomMessageView)
    })
    cleanups.push(async () => subscription.close())

    const joined = await bob.client.request<RoomSummary>('POST', API_PATHS.roomsJoin, {
      room: created.invite,
    })
    expect(joined.name).toBe('api room')
    // Bob's key must reach Alice before she can read him: the message event says when.
    await withTimeout(
      (async () => {
        for (;;) {
          const members = await alice.client.request<RoomMembersResponse>(
            'GET',
            `${API_PATHS.roomsMembers}?room=${created.roomId}`,
          )
          if (members.members.length === 2) return
          await new Promise((resolve) =>
            bob.node.host.services.pubsub.addEventListener('gossipsub:heartbeat', resolve, {
              once: true,
            }),
          )
        }
      })(),
      10_000,
      'alice sees bob',
    )
    await bob.client.request('POST', API_PATHS.roomsMessages, {
      roomId: created.roomId,
      text: 'hello alice',
    })
    const message = await withTimeout(arrived, 15_000, 'room:message at alice')
    expect(message.authorPeerId).toBe(bob.node.peerId)

    const history = await alice.client.request<RoomHistoryResponse>(
      'GET',
      `${API_PATHS.roomsMessages}?room=${created.roomId}`,
    )
    expect(history.messages.map((m) => m.text)).toEqual(['hello alice'])
    const list = await alice.client.request<RoomListResponse>('GET', API_PATHS.rooms)
    expect(list.rooms[0]).toMatchObject({ roomId: created.roomId, unread: 1, members: 2 })
    expect(list.rooms[0].lastMessageAt).toBe(message.sentAt)

    await expect(
      bob.client.request('POST', API_PATHS.roomsRemove, {
        roomId: created.roomId,
        member: alice.node.peerId,
      }),
    ).rejects.toMatchObject({ name: 'RoomPermissionError' })
    await expect(
      bob.client.request('GET', `${API_PATHS.roomsMessages}?room=${'0'.repeat(64)}`),
    ).rejects.toMatchObject({ name: 'RoomNotFoundError', status: 404 })
  })
})
