import { randomUUID } from 'node:crypto'
import { AwsError } from './errors.js'

export type AwsProtocol = 'query' | 'json' | 'rest-json' | 'rest-xml'

export interface AwsResponse {
  status?: number
  headers?: Record<string, string>
  body?: string | Buffer
}

export function xmlEscape(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&apos;')
}

export type XmlValue = string | number | boolean | null | undefined | Date | XmlValue[] | { [k: string]: XmlValue }

/**
 * Serialises a plain object as the query protocol's XML: keys become elements, arrays become
 * `<member>` lists (the default for every query service), Dates ISO-8601, null/undefined omitted.
 */
export function toXml(value: XmlValue): string {
  if (value === null || value === undefined) return ''
  if (value instanceof Date) return value.toISOString()
  if (Array.isArray(value)) return value.map((v) => `<member>${toXml(v)}</member>`).join('')
  if (typeof value === 'object') {
    return Object.entries(value)
      .filter(([, v]) => v !== undefined && v !== null)
      .map(([k, v]) => `<${k}>${toXml(v)}</${k}>`)
      .join('')
  }
  return xmlEscape(String(value))
}

/** `<ActionResponse xmlns><ActionResult>…</ActionResult><ResponseMetadata>…` as query services answer. */
export function queryResponse(action: string, result: XmlValue, xmlns: string, requestId = randomUUID()): AwsResponse {
  const inner = typeof result === 'string' ? result : toXml(result)
  const body =
    `<${action}Response xmlns="${xmlns}">` +
    `<${action}Result>${inner}</${action}Result>` +
    `<ResponseMetadata><RequestId>${requestId}</RequestId></ResponseMetadata>` +
    `</${action}Response>`
  return { status: 200, headers: { 'content-type': 'text/xml', 'x-amzn-requestid': requestId }, body }
}

/** awsJson1.0/1.1 and rest-json success bodies. */
export function jsonResponse(value: unknown, status = 200, protocol: AwsProtocol = 'rest-json'): AwsResponse {
  const type = protocol === 'json' ? 'application/x-amz-json-1.1' : 'application/json'
  return { status, headers: { 'content-type': type, 'x-amzn-requestid': randomUUID() }, body: JSON.stringify(value) }
}

/** Renders an AwsError in the exact shape each protocol's parser expects. */
export function errorResponse(err: AwsError, protocol: AwsProtocol, requestId = randomUUID()): AwsResponse {
  const headers: Record<string, string> = { 'x-amzn-requestid': requestId, ...err.headers }
  if (protocol === 'query' || protocol === 'rest-xml') {
    const body =
      protocol === 'query'
        ? `<ErrorResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/"><Error><Type>${err.type}</Type><Code>${xmlEscape(err.code)}</Code><Message>${xmlEscape(err.message)}</Message></Error><RequestId>${requestId}</RequestId></ErrorResponse>`
        : `<?xml version="1.0" encoding="UTF-8"?><Error><Code>${xmlEscape(err.code)}</Code><Message>${xmlEscape(err.message)}</Message><RequestId>${requestId}</RequestId></Error>`
    return { status: err.status, headers: { ...headers, 'content-type': 'text/xml' }, body }
  }
  if (protocol === 'json') {
    return {
      status: err.status,
      headers: { ...headers, 'content-type': 'application/x-amz-json-1.1' },
      body: JSON.stringify({ __type: err.code, message: err.message })
    }
  }
  return {
    status: err.status,
    headers: { ...headers, 'content-type': 'application/json', 'x-amzn-errortype': err.code },
    body: JSON.stringify({ message: err.message })
  }
}

/** Query-protocol parameters: the URL query merged with a form-encoded body (the body wins). */
export function queryParams(query: URLSearchParams, body: string, contentType: string): Record<string, string> {
  const out: Record<string, string> = {}
  for (const [k, v] of query) out[k] = v
  if (body && /application\/x-www-form-urlencoded/i.test(contentType)) {
    for (const [k, v] of new URLSearchParams(body)) out[k] = v
  }
  return out
}

/** Reads `Prefix.member.N` lists of the query protocol (`PolicyArns.member.1.arn` and friends). */
export function queryList(params: Record<string, string>, prefix: string, field?: string): string[] {
  const out: string[] = []
  for (let i = 1; ; i++) {
    const key = field ? `${prefix}.member.${i}.${field}` : `${prefix}.member.${i}`
    if (!(key in params)) return out
    out.push(params[key])
  }
}

export function requireParam(params: Record<string, string>, name: string): string {
  const v = params[name]
  if (v === undefined || v === '') throw new AwsError('ValidationError', `1 validation error detected: Value null at '${name[0].toLowerCase()}${name.slice(1)}' failed to satisfy constraint: Member must not be null`)
  return v
}
