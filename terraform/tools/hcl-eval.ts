// Evaluates the small subset of Terraform expressions that gpuship's policy locals use (templates,
// var/local/each references, conditionals, comparisons, tuples and a few functions), over the AST
// from HashiCorp's own parser. Lets a test ask "which subjects does this trust policy accept for
// these variables?" without a terraform binary or providers. Anything outside the subset throws,
// so a policy written beyond it fails loudly rather than being evaluated wrongly.
import { getExpressionAst } from '@cdktf/hcl2json'

import type { Hcl } from './hcl.js'

type Ast = { type: string; meta: Hcl; children: Ast[] }

export interface Scope {
  var: Record<string, unknown>
  locals: Record<string, unknown>
  each?: { key: string; value: unknown }
  /** Names bound by an enclosing for expression. */
  bound?: Record<string, unknown>
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- arguments are checked by each function's use
const FUNCTIONS: Record<string, (...args: any[]) => unknown> = {
  concat: (...lists: unknown[][]) => lists.flat(),
  compact: (list: unknown[]) => list.filter((x) => x !== null && x !== ''),
  distinct: (list: unknown[]) => [...new Set(list)],
  length: (x: unknown) => (Array.isArray(x) || typeof x === 'string' ? x.length : Object.keys(x as object).length),
  coalesce: (...xs: unknown[]) => xs.find((x) => x !== null && x !== ''),
  tolist: (x: unknown[]) => [...x],
  toset: (x: unknown[]) => [...new Set(x)].sort(),
  lower: (s: string) => s.toLowerCase(),
  tostring: (x: unknown) => (x === null ? null : String(x)),
  startswith: (s: string, p: string) => s.startsWith(p)
}

function traverse(value: unknown, segments: string[], path: string): unknown {
  let cur = value
  for (const seg of segments) {
    if (cur === null || cur === undefined || typeof cur !== 'object') throw new Error(`cannot read ${seg} of ${path}: not an object`)
    cur = (cur as Record<string, unknown>)[seg]
  }
  return cur
}

async function resolve(segments: string[], scope: Scope, accessor: string, stack: string[]): Promise<unknown> {
  const [root, name, ...rest] = segments
  if (root === 'var') {
    if (!(name in scope.var)) throw new Error(`${accessor}: no value given for var.${name}`)
    return traverse(scope.var[name], rest, accessor)
  }
  if (root === 'local') {
    if (!(name in scope.locals)) throw new Error(`${accessor}: no local named ${name}`)
    if (stack.includes(name)) throw new Error(`${accessor}: local.${name} refers to itself`)
    return traverse(await evaluate(scope.locals[name], scope, [...stack, name]), rest, accessor)
  }
  if (scope.bound && root in scope.bound)
    return traverse(
      scope.bound[root],
      [name, ...rest].filter((x) => x !== undefined),
      accessor
    )
  if (root === 'each' && scope.each) {
    if (name === 'key') return scope.each.key
    if (name === 'value') return traverse(scope.each.value, rest, accessor)
  }
  // Attributes of resources and data sources are known only after apply: a symbolic placeholder
  // keeps policies evaluable (a principal ARN, say) without pretending to know the value.
  if (root === 'data' || /^[a-z0-9]+_[a-z0-9_]+$/.test(root)) return `(known after apply: ${accessor})`
  throw new Error(`${accessor}: only var.*, local.*, each.* and resource references can be evaluated here`)
}

async function node(n: Ast, scope: Scope, stack: string[]): Promise<unknown> {
  const kids = (): Promise<unknown[]> => Promise.all(n.children.map((c) => node(c, scope, stack)))
  switch (n.type) {
    case 'templateWrap':
      return node(n.children[0], scope, stack)
    case 'template':
      return (await kids())
        .map((v) => {
          if (v === null || typeof v === 'object') throw new Error(`template ${n.meta.value} interpolates a non-string value`)
          return String(v)
        })
        .join('')
    case 'literalValue':
      if (n.meta.type === 'number') return Number(n.meta.value)
      if (n.meta.type === 'bool') return n.meta.value === 'true'
      if (n.meta.type === 'string') return n.meta.value
      return null
    case 'tuple':
      return kids()
    case 'scopeTraversal': {
      const segments = (n.meta.traversal as { segment: string }[]).map((t) => t.segment)
      return resolve(segments, scope, n.meta.fullAccessor, stack)
    }
    case 'conditional': {
      const cond = await node(n.children[0], scope, stack)
      if (typeof cond !== 'boolean') throw new Error(`condition ${n.meta.conditionExpression} is not a bool`)
      return node(n.children[cond ? 1 : 2], scope, stack)
    }
    case 'unaryOp': {
      const [v] = await kids()
      if (n.meta.operator === 'logicalNot') return !v
      if (n.meta.operator === 'negate') return -(v as number)
      break
    }
    case 'binaryOp': {
      const [a, b] = await kids()
      switch (n.meta.operator) {
        case 'equal':
          return JSON.stringify(a) === JSON.stringify(b)
        case 'notEqual':
          return JSON.stringify(a) !== JSON.stringify(b)
        case 'logicalAnd':
          return Boolean(a) && Boolean(b)
        case 'logicalOr':
          return Boolean(a) || Boolean(b)
        case 'greaterThan':
          return (a as number) > (b as number)
        case 'lessThan':
          return (a as number) < (b as number)
        case 'add':
          return (a as number) + (b as number)
      }
      break
    }
    case 'index': {
      const [collection, key] = await kids()
      if (collection === null || typeof collection !== 'object') throw new Error(`${n.meta.value}: indexing a non-collection`)
      return (collection as Record<string, unknown>)[String(key)]
    }
    case 'for':
      return forExpression(n, scope, stack)
    case 'function': {
      const fn = FUNCTIONS[n.meta.name]
      if (!fn) throw new Error(`function ${n.meta.name}() is not supported by the evaluator`)
      return fn(...(await kids()))
    }
  }
  throw new Error(`expression ${n.meta?.value ?? n.type} (${n.type}${n.meta?.operator ? ' ' + n.meta.operator : ''}) is not supported by the evaluator`)
}

async function expression(text: string, scope: Scope, stack: string[]): Promise<unknown> {
  const ast = (await getExpressionAst('expression.tf', text)) as Ast | null
  if (!ast) throw new Error(`could not parse ${text}`)
  return node(ast, scope, stack)
}

async function forExpression(n: Ast, scope: Scope, stack: string[]): Promise<unknown> {
  const m = n.meta
  const collection = await expression(m.collectionExpression, scope, stack)
  if (collection === null || typeof collection !== 'object') throw new Error(`${m.value}: iterating over a non-collection`)
  const entries: [unknown, unknown][] = Array.isArray(collection) ? collection.map((v, i) => [i, v]) : Object.entries(collection)
  const asObject = Boolean(m.keyExpression)
  const out: unknown[] = []
  const obj: Record<string, unknown> = {}
  for (const [k, v] of entries) {
    const bound = { ...scope.bound, [m.valVar]: v, ...(m.keyVar ? { [m.keyVar]: k } : {}) }
    const inner: Scope = { ...scope, bound }
    if (m.conditionalExpression && !(await expression(m.conditionalExpression, inner, stack))) continue
    const value = await expression(m.valueExpression, inner, stack)
    if (asObject) obj[String(await expression(m.keyExpression, inner, stack))] = value
    else out.push(value)
  }
  return asObject ? obj : out
}

/** Evaluates a value as hcl2json produced it: strings are templates, arrays and objects recurse. */
export async function evaluate(value: unknown, scope: Scope, stack: string[] = []): Promise<unknown> {
  if (Array.isArray(value)) return Promise.all(value.map((v) => evaluate(v, scope, stack)))
  if (value !== null && typeof value === 'object') {
    const out: Record<string, unknown> = {}
    for (const [k, v] of Object.entries(value)) out[k] = await evaluate(v, scope, stack)
    return out
  }
  if (typeof value !== 'string' || !value.includes('${')) return value
  const ast = (await getExpressionAst('expression.tf', `"${value}"`)) as Ast | null
  if (!ast) throw new Error(`could not parse ${value}`)
  return node(ast, scope, stack)
}

/** The scope for a module: given variable values on top of the declared defaults. */
export function scopeFor(
  declared: Record<string, { default?: unknown; hasDefault: boolean }>,
  given: Record<string, unknown>,
  locals: Record<string, unknown>
): Scope {
  const vars: Record<string, unknown> = {}
  for (const [name, v] of Object.entries(declared)) if (v.hasDefault) vars[name] = v.default
  return { var: { ...vars, ...given }, locals }
}
