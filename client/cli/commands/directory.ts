/**
 * `tokenim register | lookup | search | release | names | profile set`: usernames, through
 * the running node's local API. Names are scoped to the relay that issued them and shown
 * as `name@<relay peer id>`.
 */
import { readFile } from 'node:fs/promises'
import { type Command, InvalidArgumentError } from 'commander'
import { avatarDataUrl } from '../../../protocol/avatar-image.ts'
import type { ProfileView } from '../../../protocol/local-api.ts'
import { LocalApiClient } from '../../api-client.ts'
import { publishSearchProfile } from '../../search-profile.ts'
import { english, t } from '../i18n/i18n.ts'
import { type CommonOptions, withCommonOptions } from '../options.ts'
import { minuteStamp, printResult } from '../output.ts'
import { type RegisterFlowOptions, registerWithPolicy } from './register-flow.ts'

interface RelayOption extends CommonOptions {
  relay?: string
}

const RELAY_HELP =
  'relay multiaddr (ending in /p2p/<id>) or peer id; default: the first connected relay'

export function registerDirectoryCommands(program: Command): void {
  withCommonOptions(program.command('register'))
    .description('claim a username for this identity on a relay (renews it if it is already yours)')
    .argument('<name>', '3-32 characters: a-z, 0-9 and _ . -')
    .option('--relay <relay>', RELAY_HELP)
    .option('--invite <code>', 'invite code, for relays that register by invitation')
    .option('--email <address>', 'for relays that send a sign-up code by e-mail')
    .option('--phone <number>', 'for relays that send a sign-up code by text (+44...)')
    .option('--oidc', 'for relays that ask for a login with their OpenID provider')
    .addHelpText(
      'after',
      '\nA relay may ask for an e-mail or phone code, or a login with another provider, before it grants a name (against spam); the command asks for what is missing.',
    )
    .action(async (name: string, options: RelayOption & RegisterFlowOptions) => {
      const client = await LocalApiClient.forDataDir(options.dataDir)
      const view = await registerWithPolicy(client, name, options)
      printResult(options, view, [
        t('names.registered', { name: view.scopedName }),
        t('names.expiresRenewed', { time: minuteStamp(view.expiresAt) }),
      ])
    })

  withCommonOptions(program.command('lookup'))
    .description("a username's public key, verified against the relay's signature")
    .argument('<name>', 'alice, or alice@<relay peer id> for one relay')
    .action(async (name: string, options: CommonOptions) => {
      const client = await LocalApiClient.forDataDir(options.dataDir)
      const view = await client.lookupName(name)
      printResult(options, view, [
        view.scopedName,
        t('names.peerId', { value: view.peerId }),
        t('names.publicKey', { value: view.publicKey }),
        view.source === 'dht'
          ? t('names.verifiedDht', { relay: view.relayPeerId })
          : t('names.verifiedRelay', { relay: view.relayPeerId }),
        t('names.expires', { time: minuteStamp(view.expiresAt) }),
        ...profileLines(view.profile),
      ])
    })

  withCommonOptions(program.command('search'))
    .description('usernames starting with a prefix, among those who published a profile')
    .argument('<prefix>', 'at least 2 characters')
    .option('--relay <relay>', RELAY_HELP)
    .option('--limit <n>', 'most results (at most 20)', parseCount, 10)
    .action(async (prefix: string, options: RelayOption & { limit: number }) => {
      const client = await LocalApiClient.forDataDir(options.dataDir)
      const view = await client.searchNames(prefix, {
        limit: options.limit,
        relay: options.relay,
      })
      const lines =
        view.results.length === 0
          ? [t('names.noProfile', { prefix })]
          : view.results.map((hit) =>
              [hit.scopedName, hit.profile.displayName, hit.profile.bio].filter(Boolean).join('  '),
            )
      printResult(options, view, lines)
    })

  withCommonOptions(program.command('release'))
    .description('give up a username')
    .argument('[name]', "default: this node's only name")
    .option('--relay <relay>', 'the relay it was registered on, when there are several')
    .action(async (name: string | undefined, options: RelayOption) => {
      const client = await LocalApiClient.forDataDir(options.dataDir)
      const view = await client.releaseName({ name, relay: options.relay })
      printResult(options, view, [t('names.released', { name: view.scopedName })])
    })

  withCommonOptions(program.command('names'))
    .description("this identity's usernames")
    .action(async (options: CommonOptions) => {
      const client = await LocalApiClient.forDataDir(options.dataDir)
      const view = await client.names()
      const lines =
        view.names.length === 0
          ? [t('names.none', { command: '"tokenim register <name>"' })]
          : view.names.map((n) =>
              t('names.line', { name: n.scopedName, time: minuteStamp(n.expiresAt) }),
            )
      printResult(options, view, lines)
    })

  const profile = program.command('profile').description('your optional public profile')
  withCommonOptions(profile.command('set'))
    .description(
      'set the name and picture your friends and rooms see (--name, --avatar), and publish a profile beside your username (every field is optional)',
    )
    .option('--name <text>', 'the name your friends and rooms see, up to 64 characters')
    .option(
      '--avatar <file>',
      'your picture for friends and rooms: PNG, JPEG or WebP, at most 96x96 pixels and 16 KiB',
    )
    .option('--display-name <text>', 'up to 64 characters')
    .option('--bio <text>', 'up to 280 characters')
    .option('--avatar-hash <hex>', 'SHA-256 of your avatar image, hex')
    .option('--email <address>')
    .option('--gender <text>')
    .option('--age <years>', 'a whole number', parseCount)
    .option('--relay <relay>', 'only on this relay (default: every relay you hold a name on)')
    .action(async (options: RelayOption & ProfileView & { name?: string; avatar?: string }) => {
      const client = await LocalApiClient.forDataDir(options.dataDir)
      const { name, avatar, dataDir: _dir, json: _json, ...directoryFields } = options
      const forFriends = name != null || avatar != null
      const own = forFriends
        ? await client.setOwnProfile({
            ...(name != null && { displayName: name }),
            ...(avatar != null && { avatar: avatarDataUrl(await readFile(avatar)) }),
          })
        : undefined
      const ownLines =
        own == null
          ? []
          : [
              t('profile.set'),
              `${t('profile.shownName').padEnd(18)}${own.profile?.displayName ?? ''}`,
              `${t('profile.shownAvatar').padEnd(18)}${own.profile?.avatar == null ? '' : avatar}`,
            ]
      // The directory's profile when one of its fields is given, or nothing else is.
      if (forFriends && !Object.values(directoryFields).some((value) => value != null)) {
        // One display name: the profile of a username follows the name friends see.
        const published =
          name != null && (await publishSearchProfile(client, { displayName: name }))
        printResult(options, own, published ? [...ownLines, t('names.profilePublished')] : ownLines)
        return
      }
      const view = await client.setProfile({
        displayName: options.displayName,
        bio: options.bio,
        avatarHash: options.avatarHash,
        email: options.email,
        gender: options.gender,
        age: options.age,
        relay: options.relay,
      })
      printResult(options, own == null ? view : { own, directory: view }, [
        ...ownLines,
        t('names.profilePublished'),
        ...profileLines(view),
      ])
    })
}

function profileLines(profile: ProfileView | undefined): string[] {
  if (profile == null) return []
  const fields: Array<[string, unknown]> = [
    [t('profile.displayName'), profile.displayName],
    [t('profile.bio'), profile.bio],
    [t('profile.avatar'), profile.avatarHash],
    [t('profile.email'), profile.email],
    [t('profile.gender'), profile.gender],
    [t('profile.age'), profile.age],
  ]
  return fields
    .filter(([, value]) => value != null)
    .map(([label, value]) => `${label.padEnd(14)}${value}`)
}

function parseCount(value: string): number {
  const count = Number(value)
  if (!Number.isInteger(count) || count < 0)
    throw new InvalidArgumentError(english('invalid.wholeNumber'))
  return count
}
