/**
 * Before a person is sent through a relay's sign-up check, make sure the check is needed
 * and can lead somewhere: a name this identity already holds there is renewed without one,
 * and a name someone else holds is refused at once, before any code is sent. (The relay
 * decides for good, lookalikes included; this only spares the person a wasted check.)
 */
import { normalizeForm } from '../protocol/username.ts'
import { NameTakenError } from './errors.ts'
import type { TokenimApi } from './tokenim-api.ts'

/** `renewal` when the name is already this identity's on the relay, else `new`; throws when taken. */
export async function nameStanding(
  api: TokenimApi,
  rawName: string,
  relayPeerId: string,
): Promise<'renewal' | 'new'> {
  const name = normalizeForm(rawName)
  const own = (await api.names()).names
  if (own.some((held) => held.name === name && held.relayPeerId === relayPeerId)) return 'renewal'
  const holder = await api.lookupName(`${name}@${relayPeerId}`).catch(() => undefined)
  if (holder != null) throw new NameTakenError(`"${name}" is taken on this relay; choose another`)
  return 'new'
}
