/**
 * Every route of the local API, by area: the tables each area declares beside its schemas.
 * The OpenAPI document is made from this (openapi.ts), and a test calls each route in it.
 */
import { FRIENDS_ROUTES } from './friends.ts'
import { NODE_ROUTES } from './node.ts'

export const LOCAL_API_ROUTES = {
  node: NODE_ROUTES,
  friends: FRIENDS_ROUTES,
}
