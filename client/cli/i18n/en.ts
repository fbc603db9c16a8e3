/** English, the source of the CLI's message keys: zh.ts must have every one (i18n.ts). */
import type { PluralMessage } from './i18n.ts'

export const en = {
  'friend.online': 'online',
  'friend.offline': 'offline',
  'friend.lastSeen': 'offline (last seen {time})',
  'friend.devices': { one: '{count} device', other: '{count} devices' },
  'reach.direct': 'direct ({address})',
  'reach.relay': 'through relay {relay}',
  'reach.mailbox': 'no connection: messages wait in the mailbox',
  'chat.keyChanged': '{peer} changed their key; new fingerprint {fingerprint}',
  'status.stoppingWaiting': 'stopping the node waiting at {url}',
  'status.stopping': 'stopping node {peer}',
  'status.peerId': 'peer id      {value}',
  'status.fingerprint': 'fingerprint  {value}',
  'status.dataDir': 'data dir     {value}',
  'status.api': 'local API    {value}',
  'status.connections': 'connections  {value}',
  'status.recoveryCommitted':
    'recovery     committed: your recovery phrase can take the account back',
  'status.recoveryMissing': 'recovery     NO recovery commitment: run {command}',
  'status.prekeysPublished':
    'prekeys      published: strangers can reach you while you are offline',
  'status.prekeysNot': 'prekeys      not published yet (no DHT server reached)',
  'status.listening': 'listening on',
  'status.relays': 'relays',
  'status.relayConnected': 'connected   ',
  'status.relayReconnecting': 'reconnecting',
  'status.friends': 'friends',
  'chats.none': 'no conversations yet',
  'chats.room': 'room {room}',
  'chats.roomMark': 'room',
  'chats.unread': { one: '{count} unread', other: '{count} unread' },
  'history.nothingFound': 'nothing found for "{query}"',
  'history.more': 'more: {flag}',
  'history.file': 'file {name}, {size} bytes',
  'chat.intro':
    'chat with {peer}: type a message and press Enter; /file <path> sends a file; /quit leaves',
  'chat.isOnline': '{name} is online',
  'chat.isOffline': '{name} is offline',
  'chat.received': 'received {name} ({mime}, {size} bytes): {sha256}',
  'rooms.held': {
    one: '{count} more waiting for a key or an earlier message',
    other: '{count} more waiting for a key or an earlier message',
  },
  'rooms.noMessages': 'no messages yet',
  'rooms.me': 'me',
} as const satisfies Record<string, string | PluralMessage>
