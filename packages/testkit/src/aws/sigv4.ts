import { createHash, createHmac, timingSafeEqual } from 'node:crypto'

/**
 * SigV4 as AWS verifies it, written out rather than re-signed with the SDK so that the
 * simulator checks clients (botocore, smithy) against the algorithm, not against itself.
 */
export interface SigV4Parts {
  accessKeyId: string
  date: string
  region: string
  service: string
  signedHeaders: string[]
  signature: string
  amzDate: string
  /** Presigned (query) requests carry the auth in X-Amz-* query parameters. */
  presigned: boolean
  expiresSeconds?: number
  securityToken?: string
}

export interface SignedRequestLike {
  method: string
  /** The path exactly as sent (still percent-encoded). */
  rawPath: string
  /** The query exactly as sent, without the leading `?`. */
  rawQuery: string
  /** Header name (lower case) -> every value in order. */
  headers: Record<string, string[]>
  body: Buffer
}

const CRED_RE = /^([^/]+)\/(\d{8})\/([^/]+)\/([^/]+)\/aws4_request$/

export function parseAuthorization(header: string | undefined): SigV4Parts | { error: string } | undefined {
  if (!header) return undefined
  if (!header.startsWith('AWS4-HMAC-SHA256 ')) return { error: `Unsupported Authorization scheme '${header.split(' ')[0]}'` }
  const fields: Record<string, string> = {}
  for (const part of header.slice('AWS4-HMAC-SHA256 '.length).split(',')) {
    const eq = part.indexOf('=')
    if (eq > 0) fields[part.slice(0, eq).trim()] = part.slice(eq + 1).trim()
  }
  const m = CRED_RE.exec(fields.Credential ?? '')
  if (!m || !fields.SignedHeaders || !fields.Signature) return { error: 'Authorization header requires Credential, SignedHeaders and Signature' }
  return {
    accessKeyId: m[1], date: m[2], region: m[3], service: m[4],
    signedHeaders: fields.SignedHeaders.split(';'), signature: fields.Signature,
    amzDate: '', presigned: false
  }
}

export function parsePresigned(query: URLSearchParams): SigV4Parts | { error: string } | undefined {
  const cred = query.get('X-Amz-Credential')
  if (!cred) return undefined
  const m = CRED_RE.exec(cred)
  if (!m) return { error: `Invalid X-Amz-Credential '${cred}'` }
  if (query.get('X-Amz-Algorithm') !== 'AWS4-HMAC-SHA256') return { error: 'X-Amz-Algorithm must be AWS4-HMAC-SHA256' }
  const expires = Number(query.get('X-Amz-Expires'))
  return {
    accessKeyId: m[1], date: m[2], region: m[3], service: m[4],
    signedHeaders: (query.get('X-Amz-SignedHeaders') ?? '').split(';').filter(Boolean),
    signature: query.get('X-Amz-Signature') ?? '',
    amzDate: query.get('X-Amz-Date') ?? '',
    presigned: true,
    expiresSeconds: Number.isFinite(expires) ? expires : undefined,
    securityToken: query.get('X-Amz-Security-Token') ?? undefined
  }
}

/** RFC 3986 encoding as SigV4 wants it: everything but A-Z a-z 0-9 - _ . ~ (and `/` when asked). */
export function uriEncode(s: string, keepSlash = false): string {
  let out = ''
  for (const byte of Buffer.from(s, 'utf8')) {
    const c = String.fromCharCode(byte)
    if (/[A-Za-z0-9\-_.~]/.test(c) || (keepSlash && c === '/')) out += c
    else out += `%${byte.toString(16).toUpperCase().padStart(2, '0')}`
  }
  return out
}

function safeDecode(s: string): string {
  try {
    return decodeURIComponent(s)
  } catch {
    return s
  }
}

export function canonicalQuery(rawQuery: string, dropSignature: boolean): string {
  const pairs = rawQuery
    .split('&')
    .filter(Boolean)
    .map((p) => {
      const eq = p.indexOf('=')
      const k = safeDecode(eq >= 0 ? p.slice(0, eq) : p)
      const v = safeDecode(eq >= 0 ? p.slice(eq + 1) : '')
      return [uriEncode(k), uriEncode(v)] as const
    })
    .filter(([k]) => !(dropSignature && k === 'X-Amz-Signature'))
  pairs.sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : a[1] < b[1] ? -1 : a[1] > b[1] ? 1 : 0))
  return pairs.map(([k, v]) => `${k}=${v}`).join('&')
}

/** Non-S3 services sign the path encoded once more over what was sent, with dot segments resolved. */
export function canonicalPath(rawPath: string): string {
  const segments: string[] = []
  for (const seg of (rawPath || '/').split('/')) {
    if (seg === '.' || seg === '') continue
    if (seg === '..') segments.pop()
    else segments.push(seg)
  }
  const normal = `/${segments.join('/')}${rawPath.endsWith('/') && segments.length ? '/' : ''}`
  return uriEncode(normal, true)
}

export function sha256Hex(data: string | Buffer): string {
  return createHash('sha256').update(data).digest('hex')
}

function hmac(key: Buffer | string, data: string): Buffer {
  return createHmac('sha256', key).update(data, 'utf8').digest()
}

export function signingKey(secret: string, date: string, region: string, service: string): Buffer {
  return hmac(hmac(hmac(hmac(`AWS4${secret}`, date), region), service), 'aws4_request')
}

export function canonicalRequest(req: SignedRequestLike, parts: SigV4Parts, payloadHash: string): string {
  const headerLines = parts.signedHeaders.map((name) => {
    const values = (req.headers[name] ?? []).map((v) => v.trim().replace(/\s+/g, ' '))
    return `${name}:${values.join(',')}\n`
  })
  return [
    req.method.toUpperCase(),
    canonicalPath(req.rawPath),
    canonicalQuery(req.rawQuery, parts.presigned),
    headerLines.join(''),
    parts.signedHeaders.join(';'),
    payloadHash
  ].join('\n')
}

export function expectedSignature(req: SignedRequestLike, parts: SigV4Parts, secret: string, payloadHash: string): string {
  const scope = `${parts.date}/${parts.region}/${parts.service}/aws4_request`
  const stringToSign = ['AWS4-HMAC-SHA256', parts.amzDate, scope, sha256Hex(canonicalRequest(req, parts, payloadHash))].join('\n')
  return createHmac('sha256', signingKey(secret, parts.date, parts.region, parts.service)).update(stringToSign, 'utf8').digest('hex')
}

/**
 * True when the request carries a valid signature for `secret`. Presigned GETs are checked with
 * the empty-body hash and with UNSIGNED-PAYLOAD, as STS accepts both.
 */
export function verifySignature(req: SignedRequestLike, parts: SigV4Parts, secret: string): boolean {
  const declared = req.headers['x-amz-content-sha256']?.[0]
  const candidates = declared && !parts.presigned ? [declared] : [sha256Hex(req.body), 'UNSIGNED-PAYLOAD']
  if (declared && declared !== 'UNSIGNED-PAYLOAD' && declared !== sha256Hex(req.body)) return false
  const given = Buffer.from(parts.signature, 'utf8')
  return candidates.some((hash) => {
    const want = Buffer.from(expectedSignature(req, parts, secret, hash), 'utf8')
    return want.length === given.length && timingSafeEqual(want, given)
  })
}

/** `20261204T101500Z` -> Date. */
export function parseAmzDate(s: string): Date | undefined {
  const m = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/.exec(s)
  if (!m) return undefined
  return new Date(Date.UTC(+m[1], +m[2] - 1, +m[3], +m[4], +m[5], +m[6]))
}
