/**
 * The package's entry for integrators: the typed client of a running node's local API (what
 * the CLI itself uses), its errors, and the API's request, response and event types.
 */

export type * from '../protocol/local-api.ts'
export { type EventSubscription, LocalApiClient, type NodeEvent } from './api-client.ts'
export * from './errors.ts'
