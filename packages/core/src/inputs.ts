import { GpushipError } from './errors.js'
import { parseDuration } from './duration.js'

/** Where raw input text comes from: `core.getInput` in an action, a flag map in the CLI. */
export type InputSource = (name: string) => string

interface Common {
  required?: boolean
}

export interface InputReader {
  string(name: string, opts?: Common & { default?: string; pattern?: RegExp; expected?: string }): string
  optionalString(name: string): string | undefined
  boolean(name: string, opts?: { default?: boolean }): boolean
  integer(name: string, opts?: Common & { default?: number; min?: number; max?: number }): number
  optionalInteger(name: string, opts?: { min?: number; max?: number }): number | undefined
  duration(name: string, opts?: Common & { default?: string; minMs?: number; maxMs?: number }): number
  list(name: string): string[]
  enumOf<T extends string>(name: string, values: readonly T[], opts?: { default?: T }): T
  arn(name: string, opts?: Common & { service?: string; resourcePrefix?: string }): string
  optionalArn(name: string, opts?: { service?: string; resourcePrefix?: string }): string | undefined
  region(name: string, opts?: Common & { default?: string }): string
}

const REGION = /^(us|eu|ap|sa|ca|me|af|il|mx|cn|us-gov|us-iso|us-isob|eusc)-[a-z]+-\d$/
const ARN = /^arn:(aws|aws-cn|aws-us-gov|aws-iso|aws-iso-b):([a-z0-9-]+):([a-z0-9-]*):(\d{12}|aws|):(.+)$/

export function isRegion(value: string): boolean {
  return REGION.test(value)
}

export interface ParsedArn {
  partition: string
  service: string
  region: string
  accountId: string
  resource: string
}

export function parseArn(value: string): ParsedArn | undefined {
  const m = ARN.exec(value)
  if (!m) return undefined
  return { partition: m[1], service: m[2], region: m[3], accountId: m[4], resource: m[5] }
}

/** Splits a list input: one item per line or comma, blanks and `#` comments dropped. */
export function splitList(raw: string): string[] {
  return raw
    .split(/\r?\n/)
    .flatMap((line) => (line.trim().startsWith('#') ? [] : line.split(',')))
    .map((s) => s.trim())
    .filter((s) => s.length > 0)
}

function missing(name: string): GpushipError {
  return new GpushipError(`Input required and not supplied: ${name}.`, {
    input: name,
    hint: `Add it under "with:" in the step, e.g.\n  with:\n    ${name}: <value>`
  })
}

export function createInputReader(get: InputSource): InputReader {
  const raw = (name: string): string => (get(name) ?? '').trim()

  const reader: InputReader = {
    string(name, opts = {}) {
      const v = raw(name)
      if (v === '') {
        if (opts.default !== undefined) return opts.default
        if (opts.required) throw missing(name)
        return ''
      }
      if (opts.pattern && !opts.pattern.test(v)) {
        throw new GpushipError(`Invalid ${name} '${v}'. Expected ${opts.expected ?? `a value matching ${opts.pattern}`}.`, {
          input: name,
          hint: `Set ${name} to ${opts.expected ?? 'a valid value'}.`
        })
      }
      return v
    },
    optionalString(name) {
      const v = raw(name)
      return v === '' ? undefined : v
    },
    boolean(name, opts = {}) {
      const v = raw(name)
      if (v === '') {
        if (opts.default !== undefined) return opts.default
        throw missing(name)
      }
      if (v === 'true') return true
      if (v === 'false') return false
      throw new GpushipError(`Invalid ${name} '${v}'. Expected true or false.`, {
        input: name,
        hint: `Booleans accept exactly "true" or "false" (YAML's yes/no/on/off are refused so a typo cannot flip a safety switch).`
      })
    },
    integer(name, opts = {}) {
      const v = raw(name)
      if (v === '') {
        if (opts.default !== undefined) return opts.default
        if (opts.required) throw missing(name)
        throw missing(name)
      }
      return checkInt(name, v, opts.min, opts.max)
    },
    optionalInteger(name, opts = {}) {
      const v = raw(name)
      return v === '' ? undefined : checkInt(name, v, opts.min, opts.max)
    },
    duration(name, opts = {}) {
      const v = raw(name)
      const text = v === '' ? opts.default : v
      if (text === undefined) throw missing(name)
      const ms = parseDuration(text, name)
      if ((opts.minMs !== undefined && ms < opts.minMs) || (opts.maxMs !== undefined && ms > opts.maxMs)) {
        throw new GpushipError(`Invalid ${name} '${text}'. Expected a duration between ${opts.minMs ?? 0}ms and ${opts.maxMs ?? '∞'}ms.`, { input: name })
      }
      return ms
    },
    list(name) {
      return splitList(get(name) ?? '')
    },
    enumOf(name, values, opts = {}) {
      const v = raw(name)
      if (v === '') {
        if (opts.default !== undefined) return opts.default
        throw missing(name)
      }
      if (!(values as readonly string[]).includes(v)) {
        throw new GpushipError(`Invalid ${name} '${v}'. Expected one of: ${values.join(', ')}.`, { input: name })
      }
      return v as (typeof values)[number]
    },
    arn(name, opts = {}) {
      const v = raw(name)
      if (v === '') {
        throw missing(name)
      }
      return checkArn(name, v, opts.service, opts.resourcePrefix)
    },
    optionalArn(name, opts = {}) {
      const v = raw(name)
      return v === '' ? undefined : checkArn(name, v, opts.service, opts.resourcePrefix)
    },
    region(name, opts = {}) {
      const v = raw(name) || opts.default || ''
      if (v === '') throw missing(name)
      if (!isRegion(v)) {
        throw new GpushipError(`Invalid ${name} '${v}'. Expected an AWS region such as us-east-1 or eu-west-2.`, {
          input: name,
          hint: `Set ${name} to the region code (not the display name), e.g. "${name}: us-east-1".`
        })
      }
      return v
    }
  }
  return reader
}

function checkInt(name: string, v: string, min?: number, max?: number): number {
  if (!/^-?\d+$/.test(v)) {
    throw new GpushipError(`Invalid ${name} '${v}'. Expected a whole number${rangeText(min, max)}.`, { input: name })
  }
  const n = Number(v)
  if ((min !== undefined && n < min) || (max !== undefined && n > max)) {
    throw new GpushipError(`Invalid ${name} '${v}'. Expected a whole number${rangeText(min, max)}.`, { input: name })
  }
  return n
}

function rangeText(min?: number, max?: number): string {
  if (min !== undefined && max !== undefined) return ` from ${min} to ${max}`
  if (min !== undefined) return ` of at least ${min}`
  if (max !== undefined) return ` of at most ${max}`
  return ''
}

function checkArn(name: string, v: string, service?: string, resourcePrefix?: string): string {
  const p = parseArn(v)
  const shape = `arn:aws:${service ?? '<service>'}::<12 digits>:${resourcePrefix ?? '<resource>'}<name>`
  if (!p || (service && p.service !== service) || (resourcePrefix && !p.resource.startsWith(resourcePrefix))) {
    throw new GpushipError(`Invalid ${name} '${v}'. Expected ${shape}.`, { input: name, hint: `Copy the ARN from the IAM console or from the Terraform output, e.g. arn:aws:${service ?? 'iam'}::123456789012:${resourcePrefix ?? ''}deploy.` })
  }
  return v
}
