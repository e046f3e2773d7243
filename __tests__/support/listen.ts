/** Test servers on 127.0.0.1 that can be closed for good, open connections included. */
import http from 'node:http'
import type { AddressInfo, Socket } from 'node:net'

export interface Listening {
  readonly server: http.Server
  /** `127.0.0.1:PORT`. */
  readonly address: string
  readonly port: number
  /** Stop listening and destroy every connection, stalled ones included. */
  close(): Promise<void>
}

export async function listen(handler: http.RequestListener): Promise<Listening> {
  const server = http.createServer(handler)
  const sockets = new Set<Socket>()
  server.on('connection', (socket: Socket) => {
    sockets.add(socket)
    socket.on('close', () => sockets.delete(socket))
  })
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject)
    server.listen(0, '127.0.0.1', () => {
      resolve()
    })
  })
  const { port } = server.address() as AddressInfo
  return {
    server,
    address: `127.0.0.1:${port}`,
    port,
    close: () =>
      new Promise<void>(resolve => {
        for (const socket of sockets) socket.destroy()
        server.close(() => {
          resolve()
        })
      })
  }
}

/** A port nothing listens on (bound once, then released). */
export async function closedPort(): Promise<number> {
  const probe = await listen(() => undefined)
  await probe.close()
  return probe.port
}
