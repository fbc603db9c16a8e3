/**
 * `tokenim friends add | requests | accept | reject | remove | block | unblock | blocked |
 * list | appear`: friends and presence through the running node's local API.
 */
import { type Command, InvalidArgumentError } from 'commander'
import { MAX_FRIEND_NOTE_LENGTH } from '../../../protocol/limits.ts'
import type { FriendRequestView, PeerRef } from '../../../protocol/local-api.ts'
import { LocalApiClient } from '../../api-client.ts'
import { friendLine, label } from '../friend-lines.ts'
import { english, t } from '../i18n/i18n.ts'
import { type CommonOptions, withCommonOptions } from '../options.ts'
import { minuteStamp, printResult } from '../output.ts'

const FRIEND_PEER_HELP =
  'a username (alice or alice@<relay peer id>), a peer id or a hex public key'

export function registerFriendsCommands(program: Command): void {
  const friends = program
    .command('friends')
    .description('friend requests, the friend list with presence, blocking')

  withCommonOptions(friends.command('add'))
    .description('ask someone to be your friend; the request waits in the mailbox if they are away')
    .argument('<name>', FRIEND_PEER_HELP)
    .option(
      '--note <text>',
      `a short note (at most ${MAX_FRIEND_NOTE_LENGTH} characters)`,
      parseNote,
    )
    .action(async (name: string, options: CommonOptions & { note?: string }) => {
      const client = await LocalApiClient.forDataDir(options.dataDir)
      const result = await client.addFriend(name, options.note)
      printResult(options, result, [
        result.status === 'requested'
          ? t('friends.asked', { name: label(result.request) })
          : t('friends.askedFirst', { name: label(result.friend) }),
      ])
    })

  withCommonOptions(friends.command('requests'))
    .description('pending friend requests, to you and from you')
    .action(async (options: CommonOptions) => {
      const client = await LocalApiClient.forDataDir(options.dataDir)
      const requests = await client.friendRequests()
      const lines = [
        ...requests.incoming.map((request) => t('friends.from', { line: requestLine(request) })),
        ...requests.outgoing.map((request) => t('friends.to', { line: requestLine(request) })),
      ]
      printResult(options, requests, lines.length > 0 ? lines : [t('friends.noRequests')])
    })

  // The commands that name one peer and print one line about it.
  const answer = (
    command: string,
    description: string,
    call: (client: LocalApiClient, peer: string) => Promise<PeerRef>,
    done: (ref: PeerRef) => string,
  ) =>
    withCommonOptions(friends.command(command))
      .description(description)
      .argument('<name>', FRIEND_PEER_HELP)
      .action(async (name: string, options: CommonOptions) => {
        const result = await call(await LocalApiClient.forDataDir(options.dataDir), name)
        printResult(options, result, [done(result)])
      })
  answer(
    'accept',
    'accept a friend request',
    (client, peer) => client.acceptFriend(peer),
    (ref) => t('friends.accepted', { name: label(ref) }),
  )
  answer(
    'reject',
    'decline a friend request (they are told)',
    (client, peer) => client.rejectFriend(peer),
    (ref) => t('friends.declined', { name: label(ref) }),
  )
  answer(
    'remove',
    'end a friendship, or withdraw your pending request (they are told)',
    (client, peer) => client.removeFriend(peer),
    (ref) => t('friends.removed', { name: label(ref) }),
  )
  answer(
    'unblock',
    "let someone's messages and requests in again",
    (client, peer) => client.unblockPeer(peer),
    (ref) => t('friends.unblocked', { name: label(ref) }),
  )
  answer(
    'block',
    "drop someone's messages and requests; a friendship with them ends",
    (client, peer) => client.blockPeer(peer),
    (ref) => t('friends.blocked', { name: label(ref) }),
  )

  withCommonOptions(friends.command('blocked'))
    .description('the people you blocked')
    .action(async (options: CommonOptions) => {
      const client = await LocalApiClient.forDataDir(options.dataDir)
      const result = await client.blocked()
      const lines = result.blocked.map((view) =>
        t('friends.blockedSince', { name: label(view), time: minuteStamp(view.since) }),
      )
      printResult(options, result, lines.length > 0 ? lines : [t('friends.nobodyBlocked')])
    })

  withCommonOptions(friends.command('list'))
    .description('your friends, online first')
    .action(async (options: CommonOptions) => {
      const client = await LocalApiClient.forDataDir(options.dataDir)
      const result = await client.friends()
      const lines = result.friends.map(friendLine)
      printResult(options, result, lines.length > 0 ? lines : [t('friends.none')])
    })

  withCommonOptions(friends.command('appear'))
    .description('appear online or offline to your friends (offline: no heartbeats are sent)')
    .argument('<state>', 'online or offline', parsePresence)
    .action(async (appearOffline: boolean, options: CommonOptions) => {
      const client = await LocalApiClient.forDataDir(options.dataDir)
      const result = await client.setPresenceSettings({ appearOffline })
      printResult(options, result, [
        result.appearOffline ? t('friends.appearOffline') : t('friends.appearOnline'),
      ])
    })

  withCommonOptions(friends.command('typing'))
    .description('tell friends when you write to them and see when they write to you, or neither')
    .argument('<state>', 'on or off', parseOnOff)
    .action(async (typingIndicators: boolean, options: CommonOptions) => {
      const client = await LocalApiClient.forDataDir(options.dataDir)
      const result = await client.setPresenceSettings({ typingIndicators })
      printResult(options, result, [
        result.typingIndicators ? t('friends.typingOn') : t('friends.typingOff'),
      ])
    })
}

function requestLine(request: FriendRequestView): string {
  const note = request.note === '' ? '' : `  "${request.note}"`
  return `${label(request)}  ${minuteStamp(request.at)}${note}`
}

function parseNote(value: string): string {
  if (value.length > MAX_FRIEND_NOTE_LENGTH) {
    throw new InvalidArgumentError(english('invalid.noteLength', { max: MAX_FRIEND_NOTE_LENGTH }))
  }
  return value
}

function parseOnOff(value: string): boolean {
  if (value !== 'on' && value !== 'off')
    throw new InvalidArgumentError(english('invalid.onOff', { on: 'on', off: 'off' }))
  return value === 'on'
}

function parsePresence(value: string): boolean {
  if (value !== 'online' && value !== 'offline') {
    throw new InvalidArgumentError(
      english('invalid.presence', { online: 'online', offline: 'offline' }),
    )
  }
  return value === 'offline'
}
