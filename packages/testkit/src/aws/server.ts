import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import { randomUUID } from 'node:crypto'
import { AwsError, isAwsError, throttlingCode } from './errors.js'
import { createFaultSet, type FaultSet } from './faults.js'
import { errorResponse, queryParams, type AwsProtocol, type AwsResponse } from './protocol.js'
import { parseAmzDate, parseAuthorization, parsePresigned, verifySignature, type SigV4Parts } from './sigv4.js'
import { createState, type AccessKey, type AwsState } from './state.js'
import { createIdentityApi, type IdentityApi } from './identities.js'

/** What a service handler gets: the request parsed once, and the verified caller. */
export interface AwsRequest {
  service: string
  region: string
  method: string
  /** Decoded path (`/clusters/gpu-prod`). */
  path: string
  rawPath: string
  query: URLSearchParams
  /** Lower-case header name -> value (repeated headers joined with `, `). */
  headers: Record<string, string>
  rawBody: Buffer
  body: string
  protocol: AwsProtocol
  /** Query `Action`, the operation of `X-Amz-Target`, or `METHOD /path` for REST services. */
  action: string
  /** Query-protocol parameters (URL query + form body). */
  params: Record<string, string>
  /** Parsed JSON body for json / rest-json (undefined when empty); handlers narrow it. */
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- each service's handler knows its own body shape
  json: any
  /** The credentials that signed the request; undefined only for operations AWS allows unsigned. */
  caller?: AccessKey
  sim: AwsSimulator
}

export type AwsHandler = (req: AwsRequest) => AwsResponse | Promise<AwsResponse>

export interface ServiceOptions {
  protocol: AwsProtocol
  /** Operations AWS accepts without a signature (STS AssumeRoleWithWebIdentity). */
  unsignedActions?: string[]
}

export interface CallRecord {
  service: string
  action: string
  region: string
  status: number
  caller?: string
  code?: string
}

export interface AwsSimulator extends IdentityApi {
  /** `http://127.0.0.1:<port>`: pass as endpoint / `--endpoint-url`. */
  readonly endpoint: string
  readonly port: number
  readonly state: AwsState
  readonly faults: FaultSet
  /** Every call answered, in order. */
  readonly calls: CallRecord[]
  register(service: string, handler: AwsHandler, options: ServiceOptions): void
  /** The simulator's clock (tests move it with advance()). */
  now(): Date
  advance(ms: number): void
  /** Environment that points an SDK or awscli at the simulator with these credentials. */
  env(key?: AccessKey, region?: string): Record<string, string>
  close(): Promise<void>
}

export interface AwsSimulatorOptions {
  partition?: string
  /** Allowed clock skew for signed requests (AWS: 15 minutes). */
  maxSkewMs?: number
}

interface Registered {
  handler: AwsHandler
  options: ServiceOptions
}

function readBody(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = []
    req.on('data', (c: Buffer) => chunks.push(c))
    req.on('end', () => resolve(Buffer.concat(chunks)))
    req.on('error', reject)
  })
}

function headerLists(raw: string[]): Record<string, string[]> {
  const out: Record<string, string[]> = {}
  for (let i = 0; i < raw.length; i += 2) (out[raw[i].toLowerCase()] ??= []).push(raw[i + 1])
  return out
}

export async function startAwsServer(opts: AwsSimulatorOptions = {}): Promise<AwsSimulator> {
  const services = new Map<string, Registered>()
  const state = createState(opts.partition)
  const faults = createFaultSet()
  const calls: CallRecord[] = []
  const maxSkew = opts.maxSkewMs ?? 15 * 60_000
  let offset = 0
  const now = () => new Date(Date.now() + offset)

  function authFailure(protocol: AwsProtocol, kind: 'token' | 'signature' | 'expired' | 'missing', detail: string): AwsError {
    const json = protocol !== 'query' && protocol !== 'rest-xml'
    if (kind === 'token') return new AwsError(json ? 'UnrecognizedClientException' : 'InvalidClientTokenId', 'The security token included in the request is invalid.', 403)
    if (kind === 'expired') return new AwsError(json ? 'ExpiredTokenException' : 'ExpiredToken', 'The security token included in the request is expired', json ? 403 : 400)
    if (kind === 'missing') return new AwsError(json ? 'MissingAuthenticationTokenException' : 'MissingAuthenticationToken', detail, 403)
    return new AwsError(
      json ? 'InvalidSignatureException' : 'SignatureDoesNotMatch',
      detail || 'The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method. Consult the service documentation for details.',
      json && protocol === 'json' ? 400 : 403
    )
  }

  function authenticate(parts: SigV4Parts, headers: Record<string, string[]>, req: IncomingMessage, url: URL, body: Buffer, protocol: AwsProtocol, badSig: boolean): AccessKey {
    const key = state.accessKeys.get(parts.accessKeyId)
    if (!key) throw authFailure(protocol, 'token', '')
    const token = parts.presigned ? parts.securityToken : headers['x-amz-security-token']?.[0]
    if (key.sessionToken !== undefined && token !== key.sessionToken) throw authFailure(protocol, 'token', '')
    if (key.expiration && key.expiration.getTime() <= now().getTime()) throw authFailure(protocol, 'expired', '')
    if (!parts.signedHeaders.includes('host')) throw authFailure(protocol, 'signature', "'Host' must be a signed header")
    const amzDate = parts.presigned ? parts.amzDate : (headers['x-amz-date']?.[0] ?? '')
    const signedAt = parseAmzDate(amzDate)
    if (!signedAt || !amzDate.startsWith(parts.date)) throw authFailure(protocol, 'signature', `Invalid X-Amz-Date '${amzDate}'`)
    if (parts.presigned) {
      if (parts.expiresSeconds !== undefined && signedAt.getTime() + parts.expiresSeconds * 1000 < now().getTime()) throw authFailure(protocol, 'signature', 'Signature expired')
    } else if (Math.abs(signedAt.getTime() - now().getTime()) > maxSkew) {
      throw authFailure(protocol, 'signature', `Signature expired: ${amzDate} is now earlier than the allowed clock skew`)
    }
    const q = url.search.startsWith('?') ? url.search.slice(1) : url.search
    const rawPath = (req.url ?? '/').split('?')[0]
    if (badSig || !verifySignature({ method: req.method ?? 'GET', rawPath, rawQuery: q, headers, body }, { ...parts, amzDate }, key.secretAccessKey)) {
      throw authFailure(protocol, 'signature', '')
    }
    return key
  }

  function route(parts: SigV4Parts | undefined, params: Record<string, string>): [string, Registered] | undefined {
    if (parts) {
      const r = services.get(parts.service)
      return r ? [parts.service, r] : undefined
    }
    for (const [name, r] of services) if (params.Action && r.options.unsignedActions?.includes(params.Action)) return [name, r]
    return undefined
  }

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const body = await readBody(req)
    const url = new URL(req.url ?? '/', 'http://127.0.0.1')
    const headers = headerLists(req.rawHeaders)
    const flat: Record<string, string> = {}
    for (const [k, v] of Object.entries(headers)) flat[k] = v.join(', ')
    const params = queryParams(url.searchParams, body.toString('utf8'), flat['content-type'] ?? '')
    const parsed = parseAuthorization(flat.authorization) ?? parsePresigned(url.searchParams)
    let protocol: AwsProtocol = flat['x-amz-target'] ? 'json' : params.Action ? 'query' : 'rest-json'
    let record: CallRecord = { service: '?', action: params.Action ?? url.pathname, region: '?', status: 0 }
    let response: AwsResponse
    try {
      if (parsed && 'error' in parsed) throw authFailure(protocol, 'signature', parsed.error)
      const routed = route(parsed, params)
      if (!routed) {
        if (!parsed) throw authFailure(protocol, 'missing', 'Request is missing Authentication Token')
        throw new AwsError('UnknownService', `The simulator has no service '${parsed.service}' registered`, 400)
      }
      const [service, { handler, options }] = routed
      protocol = options.protocol
      const target = flat['x-amz-target']
      const action = protocol === 'query' ? (params.Action ?? '') : protocol === 'json' ? (target?.split('.').pop() ?? '') : `${req.method} ${url.pathname}`
      const region = parsed?.region ?? 'us-east-1'
      record = { service, action, region, status: 0 }
      const fault = faults.take(service, action)
      if (fault?.kind === 'latency') await new Promise((r) => setTimeout(r, fault.ms ?? 100))
      if (fault?.kind === 'reset') {
        record.status = -1
        calls.push(record)
        req.socket.destroy()
        return
      }
      const retryAfter: Record<string, string> = fault?.retryAfter !== undefined ? { 'retry-after': String(fault.retryAfter) } : {}
      if (fault?.kind === 'throttle') throw new AwsError(throttlingCode(protocol), 'Rate exceeded', 400, retryAfter)
      if (fault?.kind === '5xx') throw new AwsError(protocol === 'query' ? 'ServiceUnavailable' : 'ServiceUnavailableException', 'Service is unavailable. Try again later.', 503, retryAfter)
      if (fault?.kind === 'error') throw new AwsError(fault.code ?? 'InternalFailure', fault.message ?? 'Injected failure', fault.status ?? 500)
      let caller: AccessKey | undefined
      if (parsed) caller = authenticate(parsed, headers, req, url, body, protocol, fault?.kind === 'bad-signature')
      else if (!options.unsignedActions?.includes(params.Action ?? '')) throw authFailure(protocol, 'missing', 'Request is missing Authentication Token')
      record.caller = caller?.arn
      let json: unknown
      if (protocol !== 'query' && body.length) {
        try {
          json = JSON.parse(body.toString('utf8'))
        } catch {
          throw new AwsError(protocol === 'json' ? 'SerializationException' : 'BadRequestException', 'Request body is not valid JSON', 400)
        }
      }
      const parsedReq: AwsRequest = {
        service, region, method: req.method ?? 'GET', path: decodeURIComponent(url.pathname), rawPath: url.pathname,
        query: url.searchParams, headers: flat, rawBody: body, body: body.toString('utf8'), protocol, action, params, json, caller, sim
      }
      response = await handler(parsedReq)
    } catch (err) {
      const e = isAwsError(err) ? err : new AwsError(protocol === 'query' ? 'InternalFailure' : 'InternalFailureException', `Simulator handler failed: ${(err as Error).message}`, 500)
      record.code = e.code
      response = errorResponse(e, protocol)
    }
    record.status = response.status ?? 200
    calls.push(record)
    const payload = response.body ?? ''
    res.writeHead(record.status, { 'x-amzn-requestid': randomUUID(), 'content-length': Buffer.byteLength(payload), ...response.headers })
    res.end(payload)
  }

  const server: Server = createServer((req, res) => {
    handle(req, res).catch((err: Error) => {
      if (!res.headersSent) res.writeHead(500, { 'content-type': 'text/plain' })
      res.end(String(err?.message ?? err))
    })
  })
  server.keepAliveTimeout = 1000
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const port = (server.address() as AddressInfo).port
  const endpoint = `http://127.0.0.1:${port}`

  const identity = createIdentityApi(state, now)
  const sim: AwsSimulator = {
    ...identity,
    endpoint,
    port,
    state,
    faults,
    calls,
    register(service, handler, options) {
      services.set(service, { handler, options })
    },
    now,
    advance(ms) {
      offset += ms
    },
    env(key, region = 'us-east-1') {
      const e: Record<string, string> = { AWS_ENDPOINT_URL: endpoint, AWS_REGION: region, AWS_DEFAULT_REGION: region, AWS_EC2_METADATA_DISABLED: 'true' }
      if (key) {
        e.AWS_ACCESS_KEY_ID = key.accessKeyId
        e.AWS_SECRET_ACCESS_KEY = key.secretAccessKey
        if (key.sessionToken) e.AWS_SESSION_TOKEN = key.sessionToken
      }
      return e
    },
    close() {
      return new Promise<void>((resolve) => {
        server.closeAllConnections?.()
        server.close(() => resolve())
      })
    }
  }
  return sim
}
