import { createServer, type Server, Socket } from 'node:net'
import { afterEach, describe, expect, it } from 'vitest'
import { freeTcpPort, simultaneousOpen } from '../../network/simultaneous-open.ts'

const open: Array<Server | Socket> = []
afterEach(() => {
  for (const item of open.splice(0)) item instanceof Socket ? item.destroy() : item.close()
})

describe('simultaneousOpen', () => {
  it('connects from the local port it was given', async () => {
    const server = createServer((socket) => open.push(socket))
    open.push(server)
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
    const localPort = await freeTcpPort()
    const socket = await simultaneousOpen({
      localPort,
      host: '127.0.0.1',
      port: (server.address() as { port: number }).port,
      windowMs: 2_000,
    })
    open.push(socket)
    expect(socket.localPort).toBe(localPort)
  })

  it('tries again while refused, then fails with PunchFailedError counting the connects', async () => {
    const closedPort = await freeTcpPort()
    const failed = simultaneousOpen({
      localPort: await freeTcpPort(),
      host: '127.0.0.1',
      port: closedPort,
      windowMs: 700,
    })
    await expect(failed).rejects.toMatchObject({
      name: 'PunchFailedError',
      message: expect.stringMatching(/within 700 ms \(ECONNREFUSED ×[2-9]\)/),
    })
  })
})
