import { createServer, type RequestListener, type Server } from 'node:http'

export interface Listening {
  url: string
  port: number
  server: Server
  close(): Promise<void>
}

/** Serves a listener on 127.0.0.1 with an OS-chosen port; close() also drops keep-alive sockets. */
export function listenGpuSimulator(handler: RequestListener): Promise<Listening> {
  const server = createServer(handler)
  return new Promise((resolve, reject) => {
    server.once('error', reject)
    server.listen(0, '127.0.0.1', () => {
      const addr = server.address()
      const port = typeof addr === 'object' && addr ? addr.port : 0
      resolve({
        url: `http://127.0.0.1:${port}`,
        port,
        server,
        close: () =>
          new Promise<void>((r) => {
            server.closeAllConnections()
            server.close(() => r())
          })
      })
    })
  })
}
