/**
 * The DHT validators and selectors of TokenIM's record namespaces (mailbox slots, inbox
 * slots, prekey bundles, account device lists, key rotation and recovery statements). network/host.ts installs them in every host,
 * node or relay, so all peers accept, serve and prefer exactly the same records.
 *
 * kad-dht's PUT_VALUE handler validates a record and then overwrites whatever it stored
 * under the key: it never asks the selector. Left like that, anyone holding a slot key could
 * replace a deposit, and a captured deposit replayed to the holders would overwrite its
 * tombstone. So each validator also reads the record this host already stores under the key
 * and refuses the incoming one unless it may replace it (protocol/mailbox.ts
 * `mailboxRecordMayReplace`, `prekeyRecordMayReplace`, protocol/accounts
 * `deviceListRecordMayReplace`). The same check runs when a record arrives in answer to our
 * own query; refusing there only drops a value that would lose to ours anyway.
 *
 * Device lists and key statements carry no expiry, so they are not among the records served until their own
 * expiry (`validateOwnDhtRecord`): kad-dht's 48-hour rule applies and their owners republish.
 */
import {
  Record as DhtRecord,
  type Selectors,
  type ValidateFn,
  type Validators,
} from '@libp2p/kad-dht'
import { type Datastore, Key } from 'interface-datastore'
import { toString as uint8ArrayToString } from 'uint8arrays/to-string'
import {
  deviceListRecordMayReplace,
  keyRecoveryRecordMayReplace,
  keyRotationRecordMayReplace,
  selectDeviceListRecord,
  selectKeyRecoveryRecord,
  selectKeyRotationRecord,
  validateDeviceListRecord,
  validateKeyRecoveryRecord,
  validateKeyRotationRecord,
} from '../../protocol/accounts/index.ts'
import { dhtKeyNamespace } from '../../protocol/dht-records.ts'
import { RecordConflictError } from '../../protocol/errors.ts'
import {
  DEVICES_DHT_NAMESPACE,
  INBOX_DHT_NAMESPACE,
  KEY_RECOVERIES_DHT_NAMESPACE,
  KEY_ROTATIONS_DHT_NAMESPACE,
  MAILBOX_DHT_NAMESPACE,
  PREKEYS_DHT_NAMESPACE,
} from '../../protocol/ids.ts'
import {
  mailboxRecordMayReplace,
  selectMailboxRecord,
  validateMailboxRecord,
} from '../../protocol/mailbox.ts'
import {
  prekeyRecordMayReplace,
  selectPrekeyRecord,
  validatePrekeyRecord,
} from '../../protocol/prekey-records.ts'

/**
 * Where kad-dht keeps records in the libp2p datastore: its default `datastorePrefix`
 * ('/dht', which network/host.ts keeps) plus '/record', then the key in base32
 * (kad-dht's `bufferToRecordKey`). Checked by test/integration/mailbox-dht.test.ts.
 */
export const RECORD_DATASTORE_PREFIX = '/dht/record'

export type Clock = () => number

type RecordCheck = (key: Uint8Array, value: Uint8Array, nowMs: number) => unknown

/** Each namespace's checks of a record on its own: its key, signature, size and times. */
const OWN_RECORD_CHECKS: Record<string, RecordCheck> = {
  [MAILBOX_DHT_NAMESPACE]: validateMailboxRecord,
  [INBOX_DHT_NAMESPACE]: validateMailboxRecord,
  [PREKEYS_DHT_NAMESPACE]: validatePrekeyRecord,
}

/**
 * True when a record of one of our namespaces passes its checks at `nowMs`, false for other
 * namespaces; throws (why it fails) for one of ours that does not.
 */
export function validateOwnDhtRecord(key: Uint8Array, value: Uint8Array, nowMs: number): boolean {
  const check = OWN_RECORD_CHECKS[dhtKeyNamespace(key) ?? '']
  if (check == null) return false
  check(key, value, nowMs)
  return true
}

export function tokenimDhtValidators(datastore: Datastore, clock: Clock = Date.now): Validators {
  const mailbox = guarded(datastore, clock, validateMailboxRecord, mailboxRecordMayReplace)
  return {
    [MAILBOX_DHT_NAMESPACE]: mailbox,
    [INBOX_DHT_NAMESPACE]: mailbox,
    [PREKEYS_DHT_NAMESPACE]: guarded(
      datastore,
      clock,
      validatePrekeyRecord,
      prekeyRecordMayReplace,
    ),
    [DEVICES_DHT_NAMESPACE]: guarded(
      datastore,
      clock,
      validateDeviceListRecord,
      deviceListRecordMayReplace,
    ),
    [KEY_ROTATIONS_DHT_NAMESPACE]: guarded(
      datastore,
      clock,
      validateKeyRotationRecord,
      keyRotationRecordMayReplace,
    ),
    [KEY_RECOVERIES_DHT_NAMESPACE]: guarded(
      datastore,
      clock,
      validateKeyRecoveryRecord,
      keyRecoveryRecordMayReplace,
    ),
  }
}

export function tokenimDhtSelectors(clock: Clock = Date.now): Selectors {
  const mailbox = (key: Uint8Array, values: Uint8Array[]) =>
    selectMailboxRecord(key, values, clock())
  return {
    [MAILBOX_DHT_NAMESPACE]: mailbox,
    [INBOX_DHT_NAMESPACE]: mailbox,
    [PREKEYS_DHT_NAMESPACE]: (key, values) => selectPrekeyRecord(key, values, clock()),
    [DEVICES_DHT_NAMESPACE]: selectDeviceListRecord,
    [KEY_ROTATIONS_DHT_NAMESPACE]: selectKeyRotationRecord,
    [KEY_RECOVERIES_DHT_NAMESPACE]: selectKeyRecoveryRecord,
  }
}

/** The datastore key under which kad-dht stores the record for `key`. */
export function dhtRecordDatastoreKey(key: Uint8Array): Key {
  return new Key(`${RECORD_DATASTORE_PREFIX}/${uint8ArrayToString(key, 'base32')}`, false)
}

function guarded(
  datastore: Datastore,
  clock: Clock,
  validate: RecordCheck,
  mayReplace: (key: Uint8Array, stored: Uint8Array, incoming: Uint8Array, nowMs: number) => boolean,
): ValidateFn {
  return async (key, value, options) => {
    const now = clock()
    validate(key, value, now)
    const stored = await storedDhtValue(datastore, key, options)
    if (stored != null && !mayReplace(key, stored, value, now)) {
      throw new RecordConflictError(
        'this peer already holds a record for the key that the incoming one may not replace',
      )
    }
  }
}

/** The value this host holds for `key` as a DHT holder, if any (a damaged copy counts as none). */
export async function storedDhtValue(
  datastore: Datastore,
  key: Uint8Array,
  options?: { signal?: AbortSignal },
): Promise<Uint8Array | undefined> {
  let raw: Uint8Array
  try {
    raw = await datastore.get(dhtRecordDatastoreKey(key), options)
  } catch (err) {
    if ((err as Error).name === 'NotFoundError') return undefined
    throw err
  }
  try {
    return DhtRecord.deserialize(raw).value
  } catch {
    // A damaged local copy must not block a valid record from replacing it.
    return undefined
  }
}
