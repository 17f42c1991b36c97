// A small evaluator of IAM trust-policy statements for AssumeRoleWithWebIdentity: given the claims
// of an OIDC token, does the statement allow the call? Implements the operators trust policies use
// (StringEquals, StringLike, StringNotEquals, StringNotLike, with ForAnyValue/ForAllValues and
// IfExists qualifiers) with IAM's semantics: every condition block must match; within one, any of
// its values; a missing key fails positive operators (unless IfExists).

export interface Condition {
  test: string
  variable: string
  values: string[]
}

export interface Statement {
  effect?: 'Allow' | 'Deny'
  actions: string[]
  principals?: { type: string; identifiers: string[] }[]
  conditions: Condition[]
}

export type Claims = Record<string, string | string[] | undefined>

/** IAM glob: `*` matches any run of characters, `?` exactly one; everything else is literal. */
export function likeToRegExp(pattern: string): RegExp {
  const body = pattern
    .replace(/[.+^${}()|[\]\\]/g, '\\$&')
    .replace(/\*/g, '.*')
    .replace(/\?/g, '.')
  return new RegExp(`^${body}$`, 's')
}

function matchOne(op: string, actual: string, expected: string[]): boolean {
  switch (op) {
    case 'StringEquals':
      return expected.includes(actual)
    case 'StringEqualsIgnoreCase':
      return expected.some((e) => e.toLowerCase() === actual.toLowerCase())
    case 'StringLike':
      return expected.some((e) => likeToRegExp(e).test(actual))
    case 'StringNotEquals':
      return !expected.includes(actual)
    case 'StringNotLike':
      return !expected.some((e) => likeToRegExp(e).test(actual))
  }
  throw new Error(`condition operator ${op} is not supported`)
}

export function conditionMatches(c: Condition, claims: Claims): boolean {
  let op = c.test
  let setMode: 'ForAnyValue' | 'ForAllValues' | undefined
  const qualified = /^(ForAnyValue|ForAllValues):(.+)$/.exec(op)
  if (qualified) {
    setMode = qualified[1] as 'ForAnyValue' | 'ForAllValues'
    op = qualified[2]
  }
  const ifExists = op.endsWith('IfExists')
  if (ifExists) op = op.slice(0, -'IfExists'.length)

  const raw = claims[c.variable]
  if (raw === undefined) {
    if (ifExists) return true
    if (setMode === 'ForAllValues') return true
    return op.startsWith('StringNot')
  }
  const actual = Array.isArray(raw) ? raw : [raw]
  if (setMode === 'ForAllValues') return actual.every((a) => matchOne(op, a, c.values))
  if (setMode === 'ForAnyValue' || actual.length > 1) return actual.some((a) => matchOne(op, a, c.values))
  return matchOne(op, actual[0], c.values)
}

/** Whether an Allow statement grants sts:AssumeRoleWithWebIdentity to a token with these claims. */
export function allows(statement: Statement, claims: Claims, action = 'sts:AssumeRoleWithWebIdentity'): boolean {
  if ((statement.effect ?? 'Allow') !== 'Allow') return false
  if (!statement.actions.some((a) => a === action || likeToRegExp(a).test(action))) return false
  return statement.conditions.every((c) => conditionMatches(c, claims))
}

/** The claims GitHub puts in a workflow's ID token, keyed as IAM sees them. */
export function githubClaims(c: { sub: string; aud?: string; repository?: string; ref?: string }, host = 'token.actions.githubusercontent.com'): Claims {
  return {
    [`${host}:sub`]: c.sub,
    [`${host}:aud`]: c.aud ?? 'sts.amazonaws.com',
    [`${host}:repository`]: c.repository,
    [`${host}:ref`]: c.ref
  }
}

/** Each condition of a statement with whether the claims satisfy it, for "why was I denied?". */
export function explain(statement: Statement, claims: Claims): { condition: Condition; actual: Claims[string]; matches: boolean }[] {
  return statement.conditions.map((condition) => ({ condition, actual: claims[condition.variable], matches: conditionMatches(condition, claims) }))
}
