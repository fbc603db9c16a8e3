/**
 * A new device joins an account (`tokenim init --link CODE`, or the web client's first run):
 * a device key is made for it, the link runs on a host of its own, and only a link that
 * completed leaves anything in the data folder.
 *
 * Order, so that a failure leaves no half-made identity (which a later start would take for
 * a new account of its own): the device key lives in memory while the link runs; the node's
 * LevelDB, which the host needs for its peer store, is opened in the data folder and removed
 * again if the link fails and the folder had none. Once the handover checked, the device key
 * is sealed under the password (`identity.key`), the account key beside it (`account.key`),
 * the device list and the state in the `devices` sublevel, the relays in `config.json`; then
 * DONE tells the existing device to publish the list, and its DONE in return ends the link.
 * A link that fails after that point is undone here (the keys removed).
 */
import { rm } from 'node:fs/promises'
import { join } from 'node:path'
import { createHost } from '../../network/host.ts'
import type { LinkSas } from '../../protocol/accounts/index.ts'
import { toHex } from '../../protocol/bytes.ts'
import type { HistoryChoice } from '../../protocol/local-api.ts'
import { checkPasswordStrength } from '../../protocol/password-strength.ts'
import { LinkState } from '../../protocol/proto/link.ts'
import { relaysFromNodeConfig, saveRelaysToNodeConfig } from '../bootstrap.ts'
import { ensureDataDir } from '../data-dir.ts'
import { upgradeNodeDataDir } from '../data-format/index.ts'
import { WeakPasswordError } from '../errors.ts'
import { NO_TRANSFER, type TransferRecord, TransferRecordStore } from '../history-transfer/index.ts'
import { fileExists } from '../identity/atomic-file.ts'
import {
  ACCOUNT_KEY_FILE,
  generateIdentity,
  type Identity,
  Keystore,
  type KeystoreInit,
  toLibp2pPrivateKey,
} from '../identity/index.ts'
import { openStorage } from '../storage.ts'
import { DeviceListStore } from './device-list-store.ts'
import { type LinkedAccount, requestLink } from './link-requester.ts'
import { checkDeviceName, defaultDeviceName } from './own-device-list.ts'

export interface LinkNewDeviceInit {
  dataDir: string
  code: string
  password: string
  /** @default the host name */
  deviceName?: string
  /** Shows the SAS; true when the person confirmed that both devices show the same. */
  confirm(sas: LinkSas): Promise<boolean>
  /** Loopback and LAN addresses dialled too (one machine, a LAN). @default false */
  allowPrivateAddresses?: boolean
  /** @default LINK_CONFIRM_TIMEOUT_MS */
  timeoutMs?: number
  /** Tests lower the keystore's key derivation cost. */
  keystore?: KeystoreInit
  /**
   * How much of the account's 1:1 history the existing device hands over once this device
   * starts (node/history-transfer). @default 'none'
   */
  history?: HistoryChoice
}

export interface LinkedDevice extends LinkedAccount {
  /** This device's key, now sealed in the keystore, with the account key beside it. */
  identity: Identity
}

/** Throws KeystoreExistsError, WeakPasswordError, InvalidDeviceNameError or a LinkError. */
export async function linkNewDevice(init: LinkNewDeviceInit): Promise<LinkedDevice> {
  const keystore = new Keystore(init.dataDir, init.keystore)
  await keystore.assertAbsent()
  const strength = checkPasswordStrength(init.password)
  if (!strength.ok) throw new WeakPasswordError(strength.reason)
  const deviceName = checkDeviceName(init.deviceName ?? defaultDeviceName())
  const paths = await ensureDataDir(init.dataDir)
  const hadDatabase = await fileExists(paths.database)
  const device = generateIdentity()
  await upgradeNodeDataDir(paths, { identity: device })
  const storage = await openStorage(paths.database, { identity: device })
  let linked: LinkedAccount | undefined
  let stored = false
  try {
    const host = await createHost({
      privateKey: toLibp2pPrivateKey(device),
      datastore: storage.datastore,
      listen: [],
      dhtServer: false,
      allowPrivateAddresses: init.allowPrivateAddresses,
      circuitRelayClient: true,
    })
    try {
      await host.start()
      linked = await requestLink({
        host,
        identity: device,
        code: init.code,
        deviceName,
        confirm: init.confirm,
        timeoutMs: init.timeoutMs,
        // The records and relays first, the keys last: a data folder with a device key
        // but no account key would start as a new account of its own.
        store: async (handed) => {
          await new DeviceListStore(storage.sublevel('devices')).putLinked(
            handed.deviceList,
            LinkState.encode(handed.state),
          )
          // The node asks the existing device for the history at its first start.
          await new TransferRecordStore(storage.sublevel('history')).save(
            historyAtLink(init.history ?? 'none', handed.existing),
          )
          const relays = await relaysFromNodeConfig(paths.root)
          await saveRelaysToNodeConfig(paths.root, [
            ...new Set([...relays, ...handed.state.relays]),
          ])
          stored = true
          await keystore.createLinkedDevice(device, handed.account, init.password)
        },
      })
    } finally {
      await host.stop()
    }
  } finally {
    await storage.close()
    if (linked == null) {
      // Nothing of a link that failed stays: no keys (a later start would run them as an
      // account of their own), and no database when the folder had none.
      if (stored) {
        await rm(keystore.path, { force: true })
        await rm(join(paths.root, ACCOUNT_KEY_FILE), { force: true })
      }
      if (!hadDatabase) await rm(paths.database, { recursive: true, force: true })
    }
  }
  return { ...linked, identity: { ...device, account: linked.account } }
}

/** The transfer a new device starts with: the choice made at link time, from that device. */
function historyAtLink(choice: HistoryChoice, existing: Uint8Array): TransferRecord {
  if (choice === 'none') return { ...NO_TRANSFER }
  return {
    state: 'running',
    choice,
    from: toHex(existing),
    sinceMs: choice === 'all' ? 0 : Date.now() - choice * 24 * 3600 * 1000,
    taken: 0,
    total: 0,
  }
}
