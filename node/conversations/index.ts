/**
 * Conversations on the user's node: one list of 1:1 chats and rooms, most recent first, with
 * unread counts and previews; opening one marks it read; a full-text index over the local
 * history (LevelDB, never leaves the node); deleting a conversation here.
 *
 * @example
 * ```ts
 * const conversations = new Conversations({
 *   db: storage.sublevel('conversations'),
 *   messages, // DirectMessages: its history feed is what the search index follows
 *   rooms, // RoomService
 *   log: host.logger.forComponent('tokenim:conversations'),
 * })
 * await conversations.start()
 * const list = await conversations.list()
 * const { hits } = await conversations.search('lunch tomorrow')
 * ```
 */
export { conversationRoutes } from './api-routes.ts'
export {
  Conversations,
  type ConversationsComponents,
  type ConversationsInit,
  type DirectMessagesPort,
  PREVIEW_LENGTH,
  type RoomsPort,
} from './conversations.ts'
export * from './errors.ts'
export {
  type IndexedDocument,
  type SearchHit,
  SearchIndex,
  type SearchPage,
} from './search-index.ts'
export {
  MAX_TOKEN_LENGTH,
  MAX_TOKENS_PER_MESSAGE,
  normalizeText,
  queryTokens,
  tokenize,
} from './tokenizer.ts'
