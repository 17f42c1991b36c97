import type http from 'node:http'
import type { KObject } from './store.js'

/* eslint-disable @typescript-eslint/no-explicit-any */

export function sendJson(res: http.ServerResponse, code: number, body: unknown, contentType = 'application/json'): void {
  const text = JSON.stringify(body)
  res.writeHead(code, { 'Content-Type': contentType, 'Content-Length': Buffer.byteLength(text), 'Cache-Control': 'no-cache, private' })
  res.end(text)
}

export function status(code: number, reason: string, message: string, details?: unknown): unknown {
  return { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message, reason, ...(details ? { details } : {}), code }
}

export function sendStatus(
  res: http.ServerResponse,
  code: number,
  reason: string,
  message: string,
  details?: unknown,
  headers: Record<string, string> = {}
): void {
  const text = JSON.stringify(status(code, reason, message, details))
  res.writeHead(code, { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(text), ...headers })
  res.end(text)
}

export function readBody(req: http.IncomingMessage, limit = 4 * 1024 * 1024): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = []
    let size = 0
    req.on('data', (c: Buffer) => {
      size += c.length
      if (size > limit) reject(new Error('request body too large'))
      else chunks.push(c)
    })
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')))
    req.on('error', reject)
  })
}

type Req = { key: string; op: string; values: string[] }

export function parseLabelSelector(text: string | null): Req[] {
  if (!text) return []
  const out: Req[] = []
  // Split on commas outside parentheses: "a in (x,y),b!=c".
  const parts: string[] = []
  let depth = 0
  let cur = ''
  for (const ch of text) {
    if (ch === '(') depth++
    if (ch === ')') depth--
    if (ch === ',' && depth === 0) {
      parts.push(cur)
      cur = ''
    } else cur += ch
  }
  if (cur) parts.push(cur)
  for (const raw of parts.map((p) => p.trim()).filter(Boolean)) {
    let m: RegExpExecArray | null
    if ((m = /^(\S+)\s+(in|notin)\s+\((.*)\)$/.exec(raw))) out.push({ key: m[1], op: m[2], values: m[3].split(',').map((v) => v.trim()) })
    else if ((m = /^([^!=]+)!=(.*)$/.exec(raw))) out.push({ key: m[1], op: '!=', values: [m[2]] })
    else if ((m = /^([^=]+)==?(.*)$/.exec(raw))) out.push({ key: m[1], op: '=', values: [m[2]] })
    else if (raw.startsWith('!')) out.push({ key: raw.slice(1), op: '!', values: [] })
    else out.push({ key: raw, op: 'exists', values: [] })
  }
  return out
}

export function matchLabels(labels: Record<string, string> | undefined, reqs: Req[]): boolean {
  const l = labels ?? {}
  return reqs.every((r) => {
    const has = r.key in l
    switch (r.op) {
      case '=':
        return l[r.key] === r.values[0]
      case '!=':
        return l[r.key] !== r.values[0]
      case 'in':
        return has && r.values.includes(l[r.key])
      case 'notin':
        return !has || !r.values.includes(l[r.key])
      case '!':
        return !has
      default:
        return has
    }
  })
}

function fieldValue(o: KObject, path: string): string {
  let cur: any = o
  for (const p of path.split('.')) cur = cur?.[p]
  return cur === undefined || cur === null ? '' : String(cur)
}

export function matchFields(o: KObject, selector: string | null): boolean {
  if (!selector) return true
  return selector.split(',').every((part) => {
    const ne = part.indexOf('!=')
    if (ne > 0) return fieldValue(o, part.slice(0, ne)) !== part.slice(ne + 2)
    const [k, v] = part.split(/==?/)
    return fieldValue(o, k) === (v ?? '')
  })
}
