/**
 * The typed client (client/tokenim-api.ts, shared by the CLI and the web client) against the
 * routes' declarations: each method answers exactly the type its route's response schema
 * declares, and a method that takes the request body takes the type its schema reads. Checked
 * by the type checker (this file fails `tsc` when a method and its declaration part).
 */
import { describe, expectTypeOf, it } from 'vitest'
import type { z } from 'zod'
import type { TokenimApi } from '../../client/tokenim-api.ts'
import type { CONVERSATION_ROUTES } from '../../protocol/local-api/conversations.ts'
import type { DEVICES_ROUTES } from '../../protocol/local-api/devices.ts'
import type { DIRECTORY_ROUTES } from '../../protocol/local-api/directory.ts'
import type { FILE_ROUTES } from '../../protocol/local-api/files.ts'
import type { FRIENDS_ROUTES } from '../../protocol/local-api/friends.ts'
import type { IDENTITY_ROUTES } from '../../protocol/local-api/identity.ts'
import type { MESSAGES_ROUTES } from '../../protocol/local-api/messages.ts'
import type { NODE_ROUTES } from '../../protocol/local-api/node.ts'
import type { RELAY_ROUTES } from '../../protocol/local-api/relays.ts'
import type { ROOM_ROUTES } from '../../protocol/local-api/rooms.ts'
import type { RouteResponse } from '../../protocol/local-api/route.ts'

type Method = {
  [K in keyof TokenimApi]: TokenimApi[K] extends (...args: never[]) => Promise<unknown> ? K : never
}[keyof TokenimApi]
type Answer<M extends Method> = Awaited<ReturnType<TokenimApi[M]>>
type Body<M extends Method> = NonNullable<Parameters<TokenimApi[M]>[0]>

describe('the typed client', () => {
  it('answers each route with the type its declaration gives', () => {
    expectTypeOf<Answer<'state'>>().toEqualTypeOf<RouteResponse<typeof NODE_ROUTES.state>>()
    expectTypeOf<Answer<'replaceApiToken'>>().toEqualTypeOf<
      RouteResponse<typeof NODE_ROUTES.apiToken>
    >()
    expectTypeOf<Answer<'createIdentity'>>().toEqualTypeOf<
      RouteResponse<typeof NODE_ROUTES.createIdentity>
    >()
    expectTypeOf<Answer<'restoreIdentity'>>().toEqualTypeOf<
      RouteResponse<typeof NODE_ROUTES.restoreIdentity>
    >()
    expectTypeOf<Answer<'identityPhrase'>>().toEqualTypeOf<
      RouteResponse<typeof NODE_ROUTES.identityPhrase>
    >()
    expectTypeOf<Answer<'linkNewDevice'>>().toEqualTypeOf<
      RouteResponse<typeof NODE_ROUTES.linkDevice>
    >()
    expectTypeOf<Answer<'confirmNewDeviceLink'>>().toEqualTypeOf<
      RouteResponse<typeof NODE_ROUTES.confirmLink>
    >()
    expectTypeOf<Answer<'unlock'>>().toEqualTypeOf<RouteResponse<typeof NODE_ROUTES.unlock>>()
    expectTypeOf<Answer<'status'>>().toEqualTypeOf<RouteResponse<typeof NODE_ROUTES.status>>()
    expectTypeOf<Answer<'stop'>>().toEqualTypeOf<RouteResponse<typeof NODE_ROUTES.stop>>()
    expectTypeOf<Answer<'id'>>().toEqualTypeOf<RouteResponse<typeof NODE_ROUTES.id>>()
    expectTypeOf<Answer<'sendMessage'>>().toEqualTypeOf<
      RouteResponse<typeof MESSAGES_ROUTES.send>
    >()
    expectTypeOf<Answer<'editMessage'>>().toEqualTypeOf<
      RouteResponse<typeof MESSAGES_ROUTES.edit>
    >()
    expectTypeOf<Answer<'recallMessage'>>().toEqualTypeOf<
      RouteResponse<typeof MESSAGES_ROUTES.recall>
    >()
    expectTypeOf<Answer<'reactToMessage'>>().toEqualTypeOf<
      RouteResponse<typeof MESSAGES_ROUTES.react>
    >()
    expectTypeOf<Answer<'inbox'>>().toEqualTypeOf<RouteResponse<typeof MESSAGES_ROUTES.inbox>>()
    expectTypeOf<Answer<'history'>>().toEqualTypeOf<RouteResponse<typeof MESSAGES_ROUTES.history>>()
    expectTypeOf<Answer<'markRead'>>().toEqualTypeOf<
      RouteResponse<typeof MESSAGES_ROUTES.markRead>
    >()
    expectTypeOf<Answer<'conversations'>>().toEqualTypeOf<
      RouteResponse<typeof CONVERSATION_ROUTES.list>
    >()
    expectTypeOf<Answer<'openConversation'>>().toEqualTypeOf<
      RouteResponse<typeof CONVERSATION_ROUTES.open>
    >()
    expectTypeOf<Answer<'searchConversations'>>().toEqualTypeOf<
      RouteResponse<typeof CONVERSATION_ROUTES.search>
    >()
    expectTypeOf<Answer<'deleteConversation'>>().toEqualTypeOf<
      RouteResponse<typeof CONVERSATION_ROUTES.delete>
    >()
    expectTypeOf<Answer<'mutedConversations'>>().toEqualTypeOf<
      RouteResponse<typeof CONVERSATION_ROUTES.mutes>
    >()
    expectTypeOf<Answer<'muteConversation'>>().toEqualTypeOf<
      RouteResponse<typeof CONVERSATION_ROUTES.mute>
    >()
    expectTypeOf<Answer<'sendFile'>>().toEqualTypeOf<RouteResponse<typeof FILE_ROUTES.send>>()
    expectTypeOf<Answer<'transfers'>>().toEqualTypeOf<RouteResponse<typeof FILE_ROUTES.transfers>>()
    expectTypeOf<Answer<'friends'>>().toEqualTypeOf<RouteResponse<typeof FRIENDS_ROUTES.list>>()
    expectTypeOf<Answer<'friendRequests'>>().toEqualTypeOf<
      RouteResponse<typeof FRIENDS_ROUTES.requests>
    >()
    expectTypeOf<Answer<'devices'>>().toEqualTypeOf<RouteResponse<typeof DEVICES_ROUTES.list>>()
    expectTypeOf<Answer<'renameDevice'>>().toEqualTypeOf<
      RouteResponse<typeof DEVICES_ROUTES.rename>
    >()
    expectTypeOf<Answer<'revokeDevice'>>().toEqualTypeOf<
      RouteResponse<typeof DEVICES_ROUTES.revoke>
    >()
    expectTypeOf<Answer<'startDeviceLink'>>().toEqualTypeOf<
      RouteResponse<typeof DEVICES_ROUTES.startLink>
    >()
    expectTypeOf<Answer<'deviceLinkStatus'>>().toEqualTypeOf<
      RouteResponse<typeof DEVICES_ROUTES.linkStatus>
    >()
    expectTypeOf<Answer<'confirmDeviceLink'>>().toEqualTypeOf<
      RouteResponse<typeof DEVICES_ROUTES.confirmLink>
    >()
    expectTypeOf<Answer<'addFriend'>>().toEqualTypeOf<RouteResponse<typeof FRIENDS_ROUTES.add>>()
    expectTypeOf<Answer<'acceptFriend'>>().toEqualTypeOf<
      RouteResponse<typeof FRIENDS_ROUTES.accept>
    >()
    expectTypeOf<Answer<'rejectFriend'>>().toEqualTypeOf<
      RouteResponse<typeof FRIENDS_ROUTES.reject>
    >()
    expectTypeOf<Answer<'removeFriend'>>().toEqualTypeOf<
      RouteResponse<typeof FRIENDS_ROUTES.remove>
    >()
    expectTypeOf<Answer<'blockPeer'>>().toEqualTypeOf<RouteResponse<typeof FRIENDS_ROUTES.block>>()
    expectTypeOf<Answer<'unblockPeer'>>().toEqualTypeOf<
      RouteResponse<typeof FRIENDS_ROUTES.unblock>
    >()
    expectTypeOf<Answer<'blocked'>>().toEqualTypeOf<RouteResponse<typeof FRIENDS_ROUTES.blocked>>()
    expectTypeOf<Answer<'presenceSettings'>>().toEqualTypeOf<
      RouteResponse<typeof FRIENDS_ROUTES.presence>
    >()
    expectTypeOf<Answer<'setPresenceSettings'>>().toEqualTypeOf<
      RouteResponse<typeof FRIENDS_ROUTES.setPresence>
    >()
    expectTypeOf<Answer<'rooms'>>().toEqualTypeOf<RouteResponse<typeof ROOM_ROUTES.list>>()
    expectTypeOf<Answer<'createRoom'>>().toEqualTypeOf<RouteResponse<typeof ROOM_ROUTES.create>>()
    expectTypeOf<Answer<'joinRoom'>>().toEqualTypeOf<RouteResponse<typeof ROOM_ROUTES.join>>()
    expectTypeOf<Answer<'leaveRoom'>>().toEqualTypeOf<RouteResponse<typeof ROOM_ROUTES.leave>>()
    expectTypeOf<Answer<'roomInvite'>>().toEqualTypeOf<RouteResponse<typeof ROOM_ROUTES.invite>>()
    expectTypeOf<Answer<'roomMembers'>>().toEqualTypeOf<RouteResponse<typeof ROOM_ROUTES.members>>()
    expectTypeOf<Answer<'removeRoomMember'>>().toEqualTypeOf<
      RouteResponse<typeof ROOM_ROUTES.remove>
    >()
    expectTypeOf<Answer<'setRoomRole'>>().toEqualTypeOf<RouteResponse<typeof ROOM_ROUTES.role>>()
    expectTypeOf<Answer<'renameRoom'>>().toEqualTypeOf<RouteResponse<typeof ROOM_ROUTES.rename>>()
    expectTypeOf<Answer<'sendRoomMessage'>>().toEqualTypeOf<
      RouteResponse<typeof ROOM_ROUTES.send>
    >()
    expectTypeOf<Answer<'roomHistory'>>().toEqualTypeOf<RouteResponse<typeof ROOM_ROUTES.history>>()
    expectTypeOf<Answer<'markRoomRead'>>().toEqualTypeOf<RouteResponse<typeof ROOM_ROUTES.read>>()
    expectTypeOf<Answer<'registerName'>>().toEqualTypeOf<
      RouteResponse<typeof DIRECTORY_ROUTES.register>
    >()
    expectTypeOf<Answer<'signupPolicy'>>().toEqualTypeOf<
      RouteResponse<typeof DIRECTORY_ROUTES.signupPolicy>
    >()
    expectTypeOf<Answer<'startVerification'>>().toEqualTypeOf<
      RouteResponse<typeof DIRECTORY_ROUTES.verify>
    >()
    expectTypeOf<Answer<'verificationStatus'>>().toEqualTypeOf<
      RouteResponse<typeof DIRECTORY_ROUTES.verification>
    >()
    expectTypeOf<Answer<'releaseName'>>().toEqualTypeOf<
      RouteResponse<typeof DIRECTORY_ROUTES.release>
    >()
    expectTypeOf<Answer<'lookupName'>>().toEqualTypeOf<
      RouteResponse<typeof DIRECTORY_ROUTES.lookup>
    >()
    expectTypeOf<Answer<'searchNames'>>().toEqualTypeOf<
      RouteResponse<typeof DIRECTORY_ROUTES.search>
    >()
    expectTypeOf<Answer<'setProfile'>>().toEqualTypeOf<
      RouteResponse<typeof DIRECTORY_ROUTES.profile>
    >()
    expectTypeOf<Answer<'names'>>().toEqualTypeOf<RouteResponse<typeof DIRECTORY_ROUTES.names>>()
    expectTypeOf<Answer<'exportKey'>>().toEqualTypeOf<
      RouteResponse<typeof IDENTITY_ROUTES.exportKey>
    >()
    expectTypeOf<Answer<'backupPhrase'>>().toEqualTypeOf<
      RouteResponse<typeof IDENTITY_ROUTES.backupPhrase>
    >()
    expectTypeOf<Answer<'changePassword'>>().toEqualTypeOf<
      RouteResponse<typeof IDENTITY_ROUTES.changePassword>
    >()
    expectTypeOf<Answer<'rotateKey'>>().toEqualTypeOf<
      RouteResponse<typeof IDENTITY_ROUTES.rotate>
    >()
    expectTypeOf<Answer<'recoveryStatus'>>().toEqualTypeOf<
      RouteResponse<typeof IDENTITY_ROUTES.recovery>
    >()
    expectTypeOf<Answer<'recoveryPhraseSetup'>>().toEqualTypeOf<
      RouteResponse<typeof IDENTITY_ROUTES.recoverySetup>
    >()
    expectTypeOf<Answer<'commitRecoveryPhrase'>>().toEqualTypeOf<
      RouteResponse<typeof IDENTITY_ROUTES.recoveryCommit>
    >()
    expectTypeOf<Answer<'recoverKey'>>().toEqualTypeOf<
      RouteResponse<typeof IDENTITY_ROUTES.recover>
    >()
    expectTypeOf<Answer<'twoFactorStatus'>>().toEqualTypeOf<
      RouteResponse<typeof IDENTITY_ROUTES.twoFactor>
    >()
    expectTypeOf<Answer<'twoFactorSetup'>>().toEqualTypeOf<
      RouteResponse<typeof IDENTITY_ROUTES.twoFactorSetup>
    >()
    expectTypeOf<Answer<'enableTwoFactor'>>().toEqualTypeOf<
      RouteResponse<typeof IDENTITY_ROUTES.twoFactorEnable>
    >()
    expectTypeOf<Answer<'disableTwoFactor'>>().toEqualTypeOf<
      RouteResponse<typeof IDENTITY_ROUTES.twoFactorDisable>
    >()
    expectTypeOf<Answer<'relays'>>().toEqualTypeOf<RouteResponse<typeof RELAY_ROUTES.list>>()
    expectTypeOf<Answer<'addRelay'>>().toEqualTypeOf<RouteResponse<typeof RELAY_ROUTES.add>>()
    expectTypeOf<Answer<'removeRelay'>>().toEqualTypeOf<RouteResponse<typeof RELAY_ROUTES.remove>>()
  })

  it('sends each body of the type its declaration reads', () => {
    expectTypeOf<Body<'createIdentity'>>().toEqualTypeOf<
      z.input<typeof NODE_ROUTES.createIdentity.body>
    >()
    expectTypeOf<Body<'restoreIdentity'>>().toEqualTypeOf<
      z.input<typeof NODE_ROUTES.restoreIdentity.body>
    >()
    expectTypeOf<Body<'identityPhrase'>>().toEqualTypeOf<
      z.input<typeof NODE_ROUTES.identityPhrase.body>
    >()
    expectTypeOf<Body<'linkNewDevice'>>().toEqualTypeOf<
      z.input<typeof NODE_ROUTES.linkDevice.body>
    >()
    expectTypeOf<Body<'unlock'>>().toEqualTypeOf<z.input<typeof NODE_ROUTES.unlock.body>>()
    expectTypeOf<Body<'openConversation'>>().toEqualTypeOf<
      z.input<typeof CONVERSATION_ROUTES.open.body>
    >()
    expectTypeOf<Body<'sendFile'>>().toEqualTypeOf<z.input<typeof FILE_ROUTES.send.body>>()
    expectTypeOf<Body<'revokeDevice'>>().toEqualTypeOf<z.input<typeof DEVICES_ROUTES.revoke.body>>()
    expectTypeOf<Body<'startDeviceLink'>>().toEqualTypeOf<
      z.input<typeof DEVICES_ROUTES.startLink.body>
    >()
    expectTypeOf<Body<'createRoom'>>().toEqualTypeOf<z.input<typeof ROOM_ROUTES.create.body>>()
    expectTypeOf<Body<'joinRoom'>>().toEqualTypeOf<z.input<typeof ROOM_ROUTES.join.body>>()
    expectTypeOf<Body<'setRoomRole'>>().toEqualTypeOf<z.input<typeof ROOM_ROUTES.role.body>>()
    expectTypeOf<Body<'registerName'>>().toEqualTypeOf<
      z.input<typeof DIRECTORY_ROUTES.register.body>
    >()
    expectTypeOf<Body<'startVerification'>>().toEqualTypeOf<
      z.input<typeof DIRECTORY_ROUTES.verify.body>
    >()
    expectTypeOf<Body<'releaseName'>>().toEqualTypeOf<
      z.input<typeof DIRECTORY_ROUTES.release.body>
    >()
    expectTypeOf<Body<'setProfile'>>().toEqualTypeOf<
      z.input<typeof DIRECTORY_ROUTES.profile.body>
    >()
    expectTypeOf<Body<'exportKey'>>().toEqualTypeOf<
      z.input<typeof IDENTITY_ROUTES.exportKey.body>
    >()
    expectTypeOf<Body<'changePassword'>>().toEqualTypeOf<
      z.input<typeof IDENTITY_ROUTES.changePassword.body>
    >()
    expectTypeOf<Body<'rotateKey'>>().toEqualTypeOf<z.input<typeof IDENTITY_ROUTES.rotate.body>>()
    expectTypeOf<Body<'recoveryPhraseSetup'>>().toEqualTypeOf<
      z.input<typeof IDENTITY_ROUTES.recoverySetup.body>
    >()
    expectTypeOf<Body<'commitRecoveryPhrase'>>().toEqualTypeOf<
      z.input<typeof IDENTITY_ROUTES.recoveryCommit.body>
    >()
    expectTypeOf<Body<'recoverKey'>>().toEqualTypeOf<z.input<typeof IDENTITY_ROUTES.recover.body>>()
    expectTypeOf<Body<'enableTwoFactor'>>().toEqualTypeOf<
      z.input<typeof IDENTITY_ROUTES.twoFactorEnable.body>
    >()
    expectTypeOf<Body<'disableTwoFactor'>>().toEqualTypeOf<
      z.input<typeof IDENTITY_ROUTES.twoFactorDisable.body>
    >()
  })
})
