/**
 * Entry point of a shard process. Forked by the coordinator, it serves it over the IPC
 * channel; started inside a lab namespace with `--coordinator PATH --host ADDRESS` (and the
 * run's token in TOKENIM_SIM_TOKEN), it joins the coordinator over that socket. Either way
 * it exits once the coordinator ends the line.
 */
import { parseEndpoint } from './remote-shards.ts'
import { parentChannel } from './shard-channel.ts'
import { runRemoteShard, serveShard } from './shard-service.ts'
import type { ShardRequest, ShardResponse } from './sharded-nodes.ts'

const option = (name: string) => {
  const at = process.argv.indexOf(name)
  return at === -1 ? undefined : process.argv[at + 1]
}
const coordinator = option('--coordinator')
if (coordinator == null) {
  await serveShard(parentChannel<ShardResponse, ShardRequest>())
} else {
  await runRemoteShard(parseEndpoint(coordinator), {
    token: process.env.TOKENIM_SIM_TOKEN ?? '',
    host: option('--host') ?? '',
  })
}
process.exit(0)
