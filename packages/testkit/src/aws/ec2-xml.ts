import { randomUUID } from 'node:crypto'
import type { AwsResponse } from './protocol.js'
import { xmlEscape } from './protocol.js'

export const EC2_XMLNS = 'http://ec2.amazonaws.com/doc/2016-11-15/'

type V = string | number | boolean | null | undefined | V[] | { [k: string]: V }

/** EC2 XML: element per key, arrays as `<item>` lists, no Result wrapper. */
export function ec2Xml(value: V): string {
  if (value === null || value === undefined) return ''
  if (Array.isArray(value)) return value.map((v) => `<item>${ec2Xml(v)}</item>`).join('')
  if (typeof value === 'object') {
    return Object.entries(value)
      .filter(([, v]) => v !== undefined && v !== null)
      .map(([k, v]) => `<${k}>${ec2Xml(v)}</${k}>`)
      .join('')
  }
  return xmlEscape(String(value))
}

export function ec2Response(action: string, body: Record<string, unknown>): AwsResponse {
  const requestId = randomUUID()
  return {
    status: 200,
    headers: { 'content-type': 'text/xml;charset=UTF-8' },
    body: `<?xml version="1.0" encoding="UTF-8"?>\n<${action}Response xmlns="${EC2_XMLNS}"><requestId>${requestId}</requestId>${ec2Xml(body as V)}</${action}Response>`
  }
}

/** EC2's own error document (`<Response><Errors><Error>`), which the SDK's EC2 protocol parser reads. */
export function ec2Error(code: string, message: string, status = 400): AwsResponse {
  return {
    status,
    headers: { 'content-type': 'text/xml;charset=UTF-8' },
    body: `<?xml version="1.0" encoding="UTF-8"?>\n<Response><Errors><Error><Code>${xmlEscape(code)}</Code><Message>${xmlEscape(message)}</Message></Error></Errors><RequestID>${randomUUID()}</RequestID></Response>`
  }
}

/** `Filter.N.Name` / `Filter.N.Value.M` (EC2 query lists are `.N`, not `.member.N`). */
export function ec2Filters(params: Record<string, string>): Map<string, string[]> {
  const out = new Map<string, string[]>()
  for (let i = 1; params[`Filter.${i}.Name`] !== undefined; i++) {
    const values: string[] = []
    for (let j = 1; params[`Filter.${i}.Value.${j}`] !== undefined; j++) values.push(params[`Filter.${i}.Value.${j}`])
    out.set(params[`Filter.${i}.Name`], values)
  }
  return out
}

export function ec2List(params: Record<string, string>, prefix: string): string[] {
  const out: string[] = []
  for (let i = 1; params[`${prefix}.${i}`] !== undefined; i++) out.push(params[`${prefix}.${i}`])
  return out
}
