/**
 * This node's key chain as the keystore in its folder holds it, read without the password
 * (the chain is public): the rooms and the republished statements read it, and the device list
 * carries its recovery commitment.
 */
import { bytesEqual } from '../protocol/bytes.ts'
import { type Identity, Keystore, type StoredKeyChain } from './identity/index.ts'

/**
 * The recovery commitment in force of the keystore in `dir` for this node's key (no password
 * needed); empty when there is none, or no keystore (a node started with a bare identity).
 */
export async function recoveryCommitmentIn(dir: string, identity: Identity): Promise<Uint8Array> {
  return (await keyChainIn(dir, identity))?.commitment ?? new Uint8Array(0)
}

/** The keystore's chain in `dir` when this node's key holds the account; else undefined. */
export async function keyChainIn(
  dir: string,
  identity: Identity,
): Promise<StoredKeyChain | undefined> {
  const keystore = new Keystore(dir)
  if (!(await keystore.exists())) return undefined
  const chain = await keystore.keyChain()
  return bytesEqual(chain.current, identity.publicKey) ? chain : undefined
}
