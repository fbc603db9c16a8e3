#!/usr/bin/env node
// A TokenIM bot that answers every 1:1 text with an echo, and accepts every friend request.
// It knows the local API only through its OpenAPI document (GET /v1/openapi.json): it calls
// operations by their operationId, and reads events from the WebSocket the document names,
// resuming after a reconnect with ?since=<seq>&epoch=<epoch>. Node 22 or later (fetch and
// WebSocket built in), nothing to install.
//
//   node doc/examples/echo-bot.mjs <data dir of a running node>
import { readFile } from 'node:fs/promises'
import { join } from 'node:path'

const dataDir = process.argv[2]
if (dataDir == null) {
  console.error('usage: echo-bot.mjs <data dir of a running tokenim node>')
  process.exit(64)
}
// api.json: where the node's API listens and its token (written at each start, mode 0600).
const { url, token } = JSON.parse(await readFile(join(dataDir, 'api.json'), 'utf8'))
const headers = { authorization: `Bearer ${token}` }
const document = await (await fetch(new URL('/v1/openapi.json', url), { headers })).json()

/** Every operation of the document by its operationId: its method and path. */
const operations = new Map()
for (const [path, methods] of Object.entries(document.paths)) {
  for (const [method, operation] of Object.entries(methods)) {
    operations.set(operation.operationId, { method: method.toUpperCase(), path })
  }
}

/** Calls an operation; an error answers { error: { name, kind, message } }. */
async function call(operationId, body) {
  const { method, path } = operations.get(operationId)
  const response = await fetch(new URL(path, url), {
    method,
    headers: { ...headers, 'content-type': 'application/json' },
    body: JSON.stringify(body),
  })
  const answer = await response.json()
  if (!response.ok) throw new Error(`${operationId}: ${answer.error.name}: ${answer.error.message}`)
  return answer
}

const handlers = {
  'friend:request': async (request) => {
    if (request.direction === 'in') await call('friendsAccept', { peer: request.peerId })
  },
  'message:received': async (message) => {
    // A key change line is a notice of the node's, not a text to answer.
    if (message.direction !== 'in' || message.keyChange != null) return
    await call('messagesSend', { to: message.peerId, text: `echo: ${message.text}` })
  },
}

/** Whether the node answers HTTP at all (any status): a refusal then was the node's own. */
function nodeAnswers() {
  return fetch(new URL(operations.get('nodeStatus').path, url), { headers }).then(
    () => true,
    () => false,
  )
}

let last // { seq, epoch } of the last event handled: where a reconnect resumes
function listen() {
  const events = new URL(operations.get('nodeEvents').path, url.replace(/^http/, 'ws'))
  if (last != null) {
    events.searchParams.set('since', String(last.seq))
    events.searchParams.set('epoch', last.epoch)
  }
  // A WebSocket cannot carry headers: the token rides as a second subprotocol.
  const socket = new WebSocket(events, ['tokenim', `tokenim-token.${token}`])
  let opened = false
  socket.onopen = () => {
    opened = true
    console.log(`echo bot listening on ${url}`)
  }
  socket.onmessage = async ({ data }) => {
    const event = JSON.parse(data)
    last = { seq: event.seq, epoch: event.epoch }
    try {
      await handlers[event.type]?.(event.data)
    } catch (err) {
      console.error(err.message)
    }
  }
  socket.onclose = async () => {
    // Refused before it opened by a node that answers (410: the events are no longer kept,
    // or the node restarted): start afresh. Else (the node was out of reach, or the socket
    // dropped) resume after the last event handled.
    if (!opened && (await nodeAnswers())) last = undefined
    setTimeout(listen, 1_000)
  }
}
listen()
