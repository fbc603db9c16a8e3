/**
 * Accounts, the pure part (doc/accounts.md): device certificates and the versioned device
 * list, signed by the account key, with their DHT key, validator and selector; key rotation
 * and recovery statements and the resolver that finds the key holding an account now; the
 * account and recovery keys derived from a master secret. The node signs, publishes and
 * reads them; every host installs the DHT rules (network/dht-rules/validators.ts).
 *
 * @example
 * ```ts
 * const certificate = signDeviceCertificate(account, { device, name: 'laptop', createdMs, capabilities: DEVICE_CAPABILITIES_ALL })
 * const list = signDeviceList(account, { version: 1, devices: [certificate], revoked: [], nextRecovery })
 * const chain = resolveKeyChain({ account: original, commitment }, [{ kind: 'rotation', record }])
 * chain.current // the key that holds the account now
 * ```
 */
export * from './carried-chain.ts'
export * from './device-records.ts'
export * from './errors.ts'
export * from './key-chain.ts'
export * from './key-statements.ts'
export * from './link.ts'
export * from './master-secret.ts'
export * from './recovery-shares.ts'
export * from './rotation-records.ts'
