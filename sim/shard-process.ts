/**
 * Entry point of a forked shard: serves the coordinator over the IPC channel and exits when
 * the coordinator disconnects.
 */
import { parentChannel } from './shard-channel.ts'
import { serveShard } from './shard-service.ts'
import type { ShardRequest, ShardResponse } from './sharded-nodes.ts'

await serveShard(parentChannel<ShardResponse, ShardRequest>())
process.exit(0)
