/**
 * `tokenim rooms ...`: group rooms through the running node's local API. Sending and reading
 * a room's messages go through `tokenim send --room <id>` and `tokenim history --room <id>`,
 * whose room halves live here (sendToRoom, printRoomHistory).
 */
import type { Command } from 'commander'
import type { MessageStyle, RoomMessageView } from '../../../protocol/local-api.ts'
import { LocalApiClient } from '../../api-client.ts'
import type { RoomPageOptions } from '../../tokenim-api.ts'
import { t } from '../i18n/i18n.ts'
import { type CommonOptions, withCommonOptions } from '../options.ts'
import { localStamp, printResult } from '../output.ts'
import { type PeopleNames, peopleNames } from '../people-names.ts'
import { usageError } from '../worded-errors.ts'

const ROOM_HELP = 'the room id (64 hex digits)'
const MEMBER_HELP = "a member's peer id or hex public key"

export function registerRoomCommands(program: Command): void {
  const rooms = program.command('rooms').description('group rooms: create, join, members, invites')

  withCommonOptions(rooms.command('create'))
    .description('create a room you own; prints its id and an invite code to hand out')
    .argument('<name>', 'the room name')
    .option('--invite-only', 'joining needs the invite code, not just the room id')
    .action(async (name: string, options: CommonOptions & { inviteOnly?: boolean }) => {
      const created = await (await client(options)).createRoom({
        name,
        inviteOnly: options.inviteOnly === true,
      })
      printResult(options, created, [
        t('rooms.created', { name: created.room.name, room: created.roomId }),
        `invite: ${created.invite}`,
      ])
    })

  withCommonOptions(rooms.command('join'))
    .description('join a room by its id (open rooms) or by an invite code')
    .argument('<id-or-invite>', 'a room id or an invite code')
    .option('--via <peer...>', 'peer ids of members to ask for the room')
    .action(async (room: string, options: CommonOptions & { via?: string[] }) => {
      const joined = await (await client(options)).joinRoom({ room, via: options.via ?? [] })
      printResult(options, joined, [
        t('rooms.joined', { name: joined.name, room: joined.roomId, count: joined.members }),
      ])
    })

  withCommonOptions(rooms.command('leave'))
    .description('leave a room; the others rekey, so you cannot read what follows')
    .argument('<id>', ROOM_HELP)
    .action(async (roomId: string, options: CommonOptions) => {
      const left = await (await client(options)).leaveRoom(roomId)
      printResult(options, left, [t('rooms.left', { name: left.name, room: left.roomId })])
    })

  withCommonOptions(rooms.command('invite'))
    .description('the invite code of a room (invite-only rooms: owner and admins)')
    .argument('<id>', ROOM_HELP)
    .action(async (roomId: string, options: CommonOptions) => {
      const invite = await (await client(options)).roomInvite(roomId)
      printResult(options, invite, [invite.invite])
    })

  withCommonOptions(rooms.command('remove'))
    .description('remove a member (owner and admins); the rest rekey without it')
    .argument('<id>', ROOM_HELP)
    .argument('<member>', MEMBER_HELP)
    .action(async (roomId: string, member: string, options: CommonOptions) => {
      const result = await (await client(options)).removeRoomMember(roomId, member)
      printResult(options, result, [t('rooms.removed', { member, count: result.members.length })])
    })

  withCommonOptions(rooms.command('role'))
    .description('make a member an admin, or an admin a member again (owner only)')
    .argument('<id>', ROOM_HELP)
    .argument('<member>', MEMBER_HELP)
    .argument('<role>', '"admin" or "member"')
    .action(async (roomId: string, member: string, role: string, options: CommonOptions) => {
      if (role !== 'admin' && role !== 'member') {
        throw usageError('usage.roomRole', { admin: 'admin', member: 'member' })
      }
      const result = await (await client(options)).setRoomRole({ roomId, member, role })
      printResult(options, result, [
        role === 'admin' ? t('rooms.nowAdmin', { member }) : t('rooms.nowMember', { member }),
      ])
    })

  withCommonOptions(rooms.command('rename'))
    .description('rename a room (owner and admins)')
    .argument('<id>', ROOM_HELP)
    .argument('<name>', 'the new name')
    .action(async (roomId: string, name: string, options: CommonOptions) => {
      const room = await (await client(options)).renameRoom(roomId, name)
      printResult(options, room, [t('rooms.renamed', { room: room.roomId, name: room.name })])
    })

  withCommonOptions(rooms.command('members'))
    .description('the members of a room and their roles')
    .argument('<id>', ROOM_HELP)
    .action(async (roomId: string, options: CommonOptions) => {
      const api = await client(options)
      const [result, friends] = await Promise.all([
        api.roomMembers(roomId),
        api.friends().catch(() => ({ friends: [] })),
      ])
      const names = await peopleNames(api, result.members)
      // The friend list's presence: the same truth `friends list` and `chat` show.
      const online = new Map(friends.friends.map((friend) => [friend.peerId, friend.online]))
      printResult(options, result, [
        `"${result.name}" ${result.roomId}`,
        ...result.members.map((m) => {
          const name = names.of(m.peerId)
          const who = name === m.peerId ? m.peerId : `${name} (${m.peerId})`
          const seen =
            names.isSelf(m.peerId) || online.get(m.peerId) === true
              ? t('friend.online')
              : online.has(m.peerId)
                ? t('friend.offline')
                : ''
          return `  ${m.role.padEnd(6)}  ${who}${seen === '' ? '' : `  ${seen}`}`
        }),
      ])
    })

  withCommonOptions(rooms.command('list'))
    .description('your rooms, most recent activity first, with unread counts')
    .action(async (options: CommonOptions) => {
      const api = await client(options)
      const [list, names] = await Promise.all([api.rooms(), peopleNames(api)])
      const lines = list.rooms.map((room) => {
        const state =
          room.role == null
            ? ` (${t('rooms.hasLeft')})`
            : room.unread > 0
              ? ` (${t('chats.unread', { count: room.unread })})`
              : ''
        const last = room.lastMessage == null ? '' : `  ${messageLine(room.lastMessage, names)}`
        const members = t('rooms.line', { room: room.roomId, name: room.name, count: room.members })
        return `${members}${state}${last}`
      })
      printResult(options, list, lines.length > 0 ? lines : [t('rooms.none')])
    })

  withCommonOptions(rooms.command('read'))
    .description('mark a room read')
    .argument('<id>', ROOM_HELP)
    .action(async (roomId: string, options: CommonOptions) => {
      const room = await (await client(options)).markRoomRead(roomId)
      printResult(options, room, [`"${room.name}" read`])
    })
}

/** `tokenim send --room <id> <text>`. */
export async function sendToRoom(
  options: CommonOptions,
  roomId: string,
  text: string,
  extras: { style?: MessageStyle; mentions?: string[] } = {},
): Promise<void> {
  const sent = await (await client(options)).sendRoomMessage(roomId, text, extras)
  printResult(options, sent, [t('rooms.sent', { id: sent.id, room: sent.roomId })])
}

/** `tokenim history --room <id>`. */
export async function printRoomHistory(
  options: CommonOptions,
  roomId: string,
  page: RoomPageOptions,
): Promise<void> {
  const api = await client(options)
  const [history, members] = await Promise.all([
    api.roomHistory(roomId, page),
    // Members' own names for those who are no friends; without the list, usernames and ids.
    api.roomMembers(roomId).then(
      (list) => list.members,
      () => [],
    ),
  ])
  const names = await peopleNames(api, members)
  printResult(options, history, [
    ...history.messages.map((message) => messageLine(message, names)),
    ...(history.held > 0 ? [`(${t('rooms.held', { count: history.held })})`] : []),
    ...(history.nextBefore != null
      ? [t('history.more', { flag: `--before ${history.nextBefore}` })]
      : []),
    ...(history.messages.length === 0 ? [t('rooms.noMessages')] : []),
  ])
}

function messageLine(message: RoomMessageView, names: PeopleNames): string {
  const time = localStamp(message.sentAt)
  const who = message.mine ? t('rooms.me') : names.of(message.authorPeerId)
  const file = message.attachment
  const parts = [
    message.mentionsMe === true ? t('rooms.mentionsYou') : '',
    file == null ? '' : t('rooms.file', { name: file.name, size: file.size }),
    message.text,
  ].filter((part) => part !== '')
  return `${time}  ${who}: ${parts.join(' ')}`
}

function client(options: CommonOptions): Promise<LocalApiClient> {
  return LocalApiClient.forDataDir(options.dataDir)
}
