/**
 * Bounds on what a session keeps for out-of-order messages. They cap the memory and work a
 * peer can force on us with forged or far-ahead headers, and the size of persisted state.
 */

/** Most message keys one receiving chain may skip for a single message (the spec's MAX_SKIP). */
export const MAX_SKIP = 1000

/**
 * Most skipped message keys one session stores; the oldest are discarded first. At least
 * 2 * MAX_SKIP, so one message that closes a chain and skips into the next always fits.
 */
export const MAX_SKIPPED_MESSAGE_KEYS = 2000

/** Finished receiving chains remembered so that a late duplicate is named as one. */
export const MAX_CLOSED_RECEIVING_CHAINS = 64

/** Largest message number or chain length a header can carry (u32 on the wire). */
export const MAX_MESSAGE_NUMBER = 0xffff_ffff
