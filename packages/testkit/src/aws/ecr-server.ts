import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { randomUUID } from 'node:crypto'
import { ECR_TARGET_PREFIX, createEcrService, type EcrService, type EcrServiceOptions } from './ecr-service.js'

/**
 * A loopback awsJson1.1 endpoint serving only ECR, for tests that need ECR alone (image build
 * and push). It speaks the same wire format as the AWS simulator: POST / with
 * X-Amz-Target: AmazonEC2ContainerRegistry_V20150921.<Operation>, errors as `__type` + message
 * with the x-amzn-ErrorType header, which is what @aws-sdk/client-ecr and botocore parse.
 */
export interface EcrSimulator {
  url: string
  service: EcrService
  close(): Promise<void>
}

export async function startEcrSimulator(options: EcrServiceOptions): Promise<EcrSimulator> {
  const service = createEcrService(options)
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = []
    req.on('data', (c: Buffer) => chunks.push(c))
    req.on('end', () => {
      void (async () => {
        const requestId = randomUUID()
        const send = (status: number, body: unknown) => {
          const text = JSON.stringify(body)
          const headers: Record<string, string> = { 'content-type': 'application/x-amz-json-1.1', 'x-amzn-requestid': requestId, 'content-length': String(Buffer.byteLength(text)) }
          const type = (body as { __type?: string }).__type
          if (status >= 400 && type) headers['x-amzn-errortype'] = type
          res.writeHead(status, headers)
          res.end(text)
        }
        const target = String(req.headers['x-amz-target'] ?? '')
        if (req.method !== 'POST' || !target.startsWith(`${ECR_TARGET_PREFIX}.`)) {
          send(400, { __type: 'UnknownOperationException', message: `Expected POST with X-Amz-Target ${ECR_TARGET_PREFIX}.<Operation>` })
          return
        }
        if (!/^AWS4-HMAC-SHA256 Credential=/.test(String(req.headers.authorization ?? ''))) {
          send(400, { __type: 'MissingAuthenticationTokenException', message: 'Missing Authentication Token' })
          return
        }
        let body: Record<string, unknown> = {}
        const raw = Buffer.concat(chunks).toString('utf8')
        try {
          body = raw.trim() === '' ? {} : (JSON.parse(raw) as Record<string, unknown>)
        } catch {
          send(400, { __type: 'SerializationException', message: 'Request body is not valid JSON' })
          return
        }
        try {
          const out = await service.handle(target.slice(ECR_TARGET_PREFIX.length + 1), body)
          send(out.status, out.body)
        } catch (e) {
          send(500, { __type: 'ServerException', message: (e as Error).message })
        }
      })()
    })
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as AddressInfo
  return {
    url: `http://127.0.0.1:${port}`,
    service,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections?.()
        server.close(() => resolve())
      })
  }
}
