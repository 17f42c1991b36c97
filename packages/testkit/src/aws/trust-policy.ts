import type { PolicyDocument, PolicyStatement } from './state.js'

/**
 * Trust-policy evaluation as IAM does it for sts:AssumeRole*: an explicit Deny wins, otherwise
 * one Allow statement must match the action, the principal and every condition. Inside a
 * condition block operators AND, keys AND, and a key's listed values OR.
 */
export interface TrustRequest {
  action: string
  /** Principals the caller counts as: the federated provider ARN, or AWS ARNs (role, session, account root). */
  federated?: string
  aws?: string[]
  /** Condition context: `token.actions.githubusercontent.com:sub` -> value, `aws:PrincipalArn`, … */
  context: Record<string, string | string[] | undefined>
}

const asList = <T>(v: T | T[] | undefined): T[] => (v === undefined ? [] : Array.isArray(v) ? v : [v])

/** IAM's StringLike: `*` any run, `?` one character, the rest literal and case-sensitive. */
export function stringLike(pattern: string, value: string, ignoreCase = false): boolean {
  const re = new RegExp(`^${pattern.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.')}$`, ignoreCase ? 'is' : 's')
  return re.test(value)
}

function matchAction(stmt: PolicyStatement, action: string): boolean {
  return asList(stmt.Action).some((a) => stringLike(a, action, true))
}

function matchPrincipal(stmt: PolicyStatement, req: TrustRequest): boolean {
  const p = stmt.Principal
  if (p === undefined) return false
  if (p === '*') return true
  if (req.federated && asList(p.Federated).includes(req.federated)) return true
  const aws = asList(p.AWS)
  return (req.aws ?? []).some((arn) => aws.some((x) => x === '*' || x === arn || (/^\d{12}$/.test(x) && arn === `arn:aws:iam::${x}:root`) || (/^\d{12}$/.test(x) && arn.endsWith(`::${x}:root`))))
}

function testOne(op: string, want: string, have: string): boolean {
  switch (op) {
    case 'StringEquals': return have === want
    case 'StringNotEquals': return have !== want
    case 'StringEqualsIgnoreCase': return have.toLowerCase() === want.toLowerCase()
    case 'StringNotEqualsIgnoreCase': return have.toLowerCase() !== want.toLowerCase()
    case 'StringLike': return stringLike(want, have)
    case 'StringNotLike': return !stringLike(want, have)
    case 'ArnEquals': case 'ArnLike': return stringLike(want, have)
    case 'ArnNotEquals': case 'ArnNotLike': return !stringLike(want, have)
    case 'Bool': return String(have).toLowerCase() === String(want).toLowerCase()
    default: return false
  }
}

/** One condition operator over one key, with IfExists / ForAnyValue / ForAllValues / Null. */
export function evaluateCondition(operator: string, key: string, wanted: unknown, context: TrustRequest['context']): boolean {
  const found = Object.entries(context).find(([k]) => k.toLowerCase() === key.toLowerCase())?.[1]
  const values = asList(found)
  const wants = asList(wanted as string | string[]).map(String)
  if (operator === 'Null') return wants.some((w) => (w === 'true') === (values.length === 0))
  let op = operator
  let set: 'any' | 'all' | undefined
  if (op.startsWith('ForAnyValue:')) [set, op] = ['any', op.slice(12)]
  else if (op.startsWith('ForAllValues:')) [set, op] = ['all', op.slice(13)]
  const ifExists = op.endsWith('IfExists')
  if (ifExists) op = op.slice(0, -8)
  const negated = /Not/.test(op)
  // A missing key matches nothing, except for IfExists, ForAllValues and the negated operators.
  if (values.length === 0) return ifExists || set === 'all' || negated
  const one = (have: string) => (negated ? wants.every((w) => testOne(op, w, have)) : wants.some((w) => testOne(op, w, have)))
  if (set === 'all') return values.every(one)
  return values.some(one)
}

function matchConditions(stmt: PolicyStatement, context: TrustRequest['context']): boolean {
  return Object.entries(stmt.Condition ?? {}).every(([op, keys]) => Object.entries(keys).every(([key, wanted]) => evaluateCondition(op, key, wanted, context)))
}

export interface TrustDecision {
  allowed: boolean
  /** Why not, for the simulator's own logs and tests (AWS itself says only AccessDenied). */
  reason: string
}

export function evaluateTrust(policy: PolicyDocument, req: TrustRequest): TrustDecision {
  const applies = (s: PolicyStatement) => matchAction(s, req.action) && matchPrincipal(s, req) && matchConditions(s, req.context)
  const statements = asList(policy.Statement)
  if (statements.some((s) => s.Effect === 'Deny' && applies(s))) return { allowed: false, reason: 'explicit deny' }
  if (statements.some((s) => s.Effect === 'Allow' && applies(s))) return { allowed: true, reason: 'allowed' }
  const principalOnly = statements.filter((s) => s.Effect === 'Allow' && matchAction(s, req.action) && matchPrincipal(s, req))
  return { allowed: false, reason: principalOnly.length ? 'conditions did not match' : 'no statement trusts this principal for this action' }
}
