/**
 * Recovery through friends (doc/accounts.md): shares of the owner's master secret kept by
 * chosen friends, released one by one after each friend's user compares a code out of band.
 */
export * from './errors.ts'
export {
  type AskedFriend,
  type RecoveryRequest,
  RecoveryShares,
  type RecoverySharesComponents,
  type RecoverySharesEvents,
} from './recovery-shares.ts'
export type { KeptShare } from './recovery-store.ts'
