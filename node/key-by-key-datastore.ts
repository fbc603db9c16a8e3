/**
 * The batch-of-keys methods of a Datastore (putMany, getMany, deleteMany) done one key at a
 * time through the subclass's own put, get and delete, for the datastore wrappers of node/
 * whose per-key work (sealing, caching) must apply to every key alike.
 */
import type { AbortOptions } from '@libp2p/interface'
import type { Key, Pair } from 'interface-datastore'

type AwaitIterable<T> = Iterable<T> | AsyncIterable<T>

export abstract class KeyByKeyDatastore {
  abstract put(key: Key, value: Uint8Array, options?: AbortOptions): Promise<Key>
  abstract get(key: Key, options?: AbortOptions): Promise<Uint8Array>
  abstract delete(key: Key, options?: AbortOptions): Promise<void>

  async *putMany(source: AwaitIterable<Pair>, options?: AbortOptions): AsyncGenerator<Key> {
    for await (const { key, value } of source) yield await this.put(key, value, options)
  }

  async *getMany(source: AwaitIterable<Key>, options?: AbortOptions): AsyncGenerator<Pair> {
    for await (const key of source) yield { key, value: await this.get(key, options) }
  }

  async *deleteMany(source: AwaitIterable<Key>, options?: AbortOptions): AsyncGenerator<Key> {
    for await (const key of source) {
      await this.delete(key, options)
      yield key
    }
  }
}
