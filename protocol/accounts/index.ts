/**
 * Accounts, the pure part (doc/accounts.md): device certificates and the versioned device
 * list, signed by the account key, with their DHT key, validator and selector. The node
 * signs, publishes and reads them; every host installs the DHT rules
 * (node/mailbox/dht-validators.ts).
 *
 * @example
 * ```ts
 * const certificate = signDeviceCertificate(account, { device, name: 'laptop', createdMs, capabilities: DEVICE_CAPABILITIES_ALL })
 * const list = signDeviceList(account, { version: 1, devices: [certificate], revoked: [], nextRecovery })
 * ```
 */
export * from './device-records.ts'
export * from './errors.ts'
