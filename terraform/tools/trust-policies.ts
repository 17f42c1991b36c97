// The github_actions_oidc trust statements for given variables, evaluated from the module's HCL.
import { join } from 'node:path'
import { loadDir, TERRAFORM_ROOT, type Hcl, type TfDir } from './hcl.js'
import { evaluate, scopeFor } from './hcl-eval.js'
import type { Statement } from './iam-condition.js'

export const OIDC_MODULE = join(TERRAFORM_ROOT, 'modules', 'github_actions_oidc')

export async function trustPolicies(given: Record<string, unknown>, dir?: TfDir): Promise<Record<string, Statement>> {
  const oidc = dir ?? (await loadDir(OIDC_MODULE))
  const scope = scopeFor(oidc.variables, given, oidc.locals)
  const doc = oidc.data.aws_iam_policy_document.trust
  const roles = (await evaluate(doc.for_each, scope)) as Record<string, string[]>
  const out: Record<string, Statement> = {}
  for (const [key, value] of Object.entries(roles)) {
    const [st] = (await evaluate(doc.statement, { ...scope, each: { key, value } })) as Hcl[]
    out[key] = {
      effect: st.effect,
      actions: st.actions,
      principals: st.principals,
      conditions: st.condition.map((c: Hcl) => ({ test: c.test, variable: c.variable, values: c.values }))
    }
  }
  return out
}
