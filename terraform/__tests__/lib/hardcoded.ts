// Finds account IDs, region names and ARNs with a literal partition in Terraform files, looking at
// parsed string values (so comments are ignored) and skipping descriptions and error messages,
// where an example value helps the reader.
import { readFileSync } from 'node:fs'
import { parse } from '@cdktf/hcl2json'
import type { Hcl } from '../../tools/hcl.js'

export interface Hit {
  kind: 'account ID' | 'region' | 'ARN with a literal partition'
  path: string
  value: string
}

const REGION = /\b(us|eu|ap|sa|ca|me|af|il|mx|cn)(-gov|-iso[a-z]?)?-(north|south|east|west|central|northeast|southeast|southwest|northwest)-\d\b/
const ACCOUNT = /(?<![\w.-])\d{12}(?![\w.-])/
const ARN = /\barn:aws(-cn|-us-gov|-iso[a-z-]*)?:/
const PROSE_KEYS = new Set(['description', 'error_message'])

function walk(value: unknown, path: string, out: Hit[]): void {
  if (typeof value === 'string') {
    const checks: [Hit['kind'], RegExp][] = [
      ['account ID', ACCOUNT],
      ['region', REGION],
      ['ARN with a literal partition', ARN]
    ]
    for (const [kind, re] of checks) if (re.test(value)) out.push({ kind, path, value })
    return
  }
  if (Array.isArray(value)) return value.forEach((v, i) => walk(v, `${path}[${i}]`, out))
  if (value !== null && typeof value === 'object') {
    for (const [k, v] of Object.entries(value)) if (!PROSE_KEYS.has(k)) walk(v, path ? `${path}.${k}` : k, out)
  }
}

/** Validation conditions are regular expressions describing ARNs, not ARNs: drop them. */
function dropValidationRegexes(hcl: Hcl): Hcl {
  for (const [, [v]] of Object.entries<Hcl>(hcl.variable ?? {})) delete v.validation
  return hcl
}

export async function findHardcodedIn(name: string, text: string): Promise<Hit[]> {
  const out: Hit[] = []
  walk(dropValidationRegexes(await parse(name, text)), '', out)
  return out
}

export const findHardcoded = (file: string): Promise<Hit[]> => findHardcodedIn(file, readFileSync(file, 'utf8'))
