// Which gpuship role would accept a GitHub token with this sub (and aud), and if none, which
// condition refused it: the question behind "Not authorized to perform sts:AssumeRoleWithWebIdentity".
//   npx tsx terraform/tools/explain-trust.ts --repository acme/inference --sub repo:acme/inference:pull_request
//   [--aud sts.amazonaws.com] [--var apply_environment=production] [--var plan_trust_protected_branch=true]
import { pathToFileURL } from 'node:url'
import { explain, allows, githubClaims } from './iam-condition.js'
import { trustPolicies } from './trust-policies.js'

export interface ExplainArgs {
  sub: string
  aud?: string
  vars: Record<string, unknown>
}

export function parseArgs(argv: string[]): ExplainArgs {
  const vars: Record<string, unknown> = {}
  let sub: string | undefined
  let aud: string | undefined
  for (let i = 0; i < argv.length; i++) {
    const flag = argv[i]
    const value = argv[i + 1]
    if (value === undefined) throw new Error(`${flag} needs a value`)
    i++
    if (flag === '--sub') sub = value
    else if (flag === '--aud') aud = value
    else if (flag === '--repository') vars.repository = value
    else if (flag === '--var') {
      const eq = value.indexOf('=')
      if (eq < 1) throw new Error(`--var expects name=value, got '${value}'`)
      const raw = value.slice(eq + 1)
      vars[value.slice(0, eq)] = raw === 'null' ? null : raw === 'true' ? true : raw === 'false' ? false : raw
    } else throw new Error(`unknown flag ${flag} (expected --sub, --aud, --repository, --var)`)
  }
  if (!sub) throw new Error('--sub is required, for example --sub repo:acme/inference:pull_request')
  if (!vars.repository) throw new Error('--repository is required, for example --repository acme/inference')
  return { sub, aud, vars }
}

export async function report(args: ExplainArgs): Promise<string> {
  const roles = await trustPolicies({
    state_bucket_arn: 'arn:aws:s3:::state',
    apply_managed_policy_names: ['ReadOnlyAccess'],
    cluster_name: 'cluster',
    ...args.vars
  })
  const claims = githubClaims({ sub: args.sub, aud: args.aud })
  const lines = [`token sub=${args.sub} aud=${args.aud ?? 'sts.amazonaws.com'}`]
  for (const [role, st] of Object.entries(roles)) {
    if (allows(st, claims)) {
      lines.push(`  ${role}: accepts`)
      continue
    }
    const failed = explain(st, claims).filter((r) => !r.matches)
    lines.push(`  ${role}: refuses — ${failed.map((f) => `${f.condition.variable} must ${f.condition.test} ${JSON.stringify(f.condition.values)}`).join('; ')}`)
  }
  return lines.join('\n')
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  try {
    process.stdout.write((await report(parseArgs(process.argv.slice(2)))) + '\n')
  } catch (err) {
    process.stderr.write(`${err instanceof Error ? err.message : String(err)}\n`)
    process.exit(2)
  }
}
