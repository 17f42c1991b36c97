// The github_actions_oidc trust policies, evaluated from the module's own HCL for given variables
// and run through an IAM condition evaluator against GitHub ID-token claims: who can assume what.
import { describe, test, expect, beforeAll } from '@jest/globals'
import { writeFileSync, mkdtempSync, copyFileSync, rmSync } from 'node:fs'
import { join } from 'node:path'
import { tmpdir } from 'node:os'
import type { TfDir } from '../tools/hcl.js'
import { evaluate, scopeFor } from '../tools/hcl-eval.js'
import { allows, githubClaims, type Statement } from '../tools/iam-condition.js'
import { trustPolicies as evaluateTrust } from '../tools/trust-policies.js'
import { loadAll, hasTerraform, terraform, moduleDir } from './lib/load.js'

let oidc: TfDir
beforeAll(async () => {
  oidc = (await loadAll())['modules/github_actions_oidc']
})

const REPO = 'acme/inference'
const BASE = { repository: REPO, state_bucket_arn: 'arn:aws:s3:::acme-tfstate', apply_managed_policy_names: ['PowerUserAccess'], cluster_name: 'gpu-prod' }

/** The trust statement of every role the module creates, for these variables. */
async function trustPolicies(given: Record<string, unknown> = {}): Promise<Record<string, Statement>> {
  expect(oidc.data.aws_iam_policy_document.trust.for_each).toBe('${local.roles}')
  return evaluateTrust({ ...BASE, ...given }, oidc)
}

const push = (repo: string, branch: string) => githubClaims({ sub: `repo:${repo}:ref:refs/heads/${branch}` })
const pr = (repo: string) => githubClaims({ sub: `repo:${repo}:pull_request` })
const env = (repo: string, name: string) => githubClaims({ sub: `repo:${repo}:environment:${name}` })

describe('with the defaults (apply and deploy behind the production environment)', () => {
  let roles: Record<string, Statement>
  beforeAll(async () => {
    roles = await trustPolicies()
  })

  test('creates plan, apply, image-push and deploy roles, all trusting the GitHub provider', () => {
    expect(Object.keys(roles).sort()).toEqual(['apply', 'deploy', 'image-push', 'plan'])
    for (const st of Object.values(roles)) {
      expect(st.actions).toEqual(['sts:AssumeRoleWithWebIdentity'])
      expect(st.principals?.[0].type).toBe('Federated')
    }
  })

  test('every role checks aud and sub with StringEquals and no wildcard', () => {
    for (const [role, st] of Object.entries(roles)) {
      const byVar = Object.fromEntries(st.conditions.map((c) => [c.variable, c]))
      expect({ role, aud: byVar['token.actions.githubusercontent.com:aud']?.test }).toEqual({ role, aud: 'StringEquals' })
      expect({ role, sub: byVar['token.actions.githubusercontent.com:sub']?.test }).toEqual({ role, sub: 'StringEquals' })
      expect(byVar['token.actions.githubusercontent.com:aud'].values).toEqual(['sts.amazonaws.com'])
      for (const c of st.conditions) {
        expect(c.test).not.toMatch(/Like/)
        for (const v of c.values) expect(v).not.toMatch(/[*?]/)
      }
    }
  })

  test.each([
    ['accepts a job in the production environment of the repository', env(REPO, 'production'), true],
    ['rejects another repository', env('acme/other', 'production'), false],
    ['rejects a repository whose name extends it', env('acme/inference-fork', 'production'), false],
    ['rejects the same name under another owner', env('evil/inference', 'production'), false],
    ['rejects another environment', env(REPO, 'staging'), false],
    ['rejects a push to main outside the environment', push(REPO, 'main'), false],
    ['rejects another branch', push(REPO, 'feature/x'), false],
    ['rejects a pull request', pr(REPO), false],
    ['rejects a token minted for another audience', githubClaims({ sub: `repo:${REPO}:environment:production`, aud: 'https://github.com/acme' }), false],
    ['rejects a token without a sub', { 'token.actions.githubusercontent.com:aud': 'sts.amazonaws.com' }, false]
  ])('apply role %s', (_name, claims, expected) => {
    expect(allows(roles.apply, claims)).toBe(expected)
  })

  test.each([
    ['accepts a pull request of the repository', pr(REPO), true],
    ['rejects a pull request of another repository', pr('acme/other'), false],
    ['rejects a pull request of a fork-like name', pr('acme/inference2'), false],
    ['rejects a push to main (plan is for pull requests)', push(REPO, 'main'), false],
    ['rejects an environment job', env(REPO, 'production'), false]
  ])('plan role %s', (_name, claims, expected) => {
    expect(allows(roles.plan, claims)).toBe(expected)
  })

  test('image-push accepts main of the repository only', () => {
    expect(allows(roles['image-push'], push(REPO, 'main'))).toBe(true)
    expect(allows(roles['image-push'], pr(REPO))).toBe(false)
    expect(allows(roles['image-push'], push('acme/other', 'main'))).toBe(false)
    expect(allows(roles['image-push'], push(REPO, 'dev'))).toBe(false)
  })

  test('deploy accepts the production environment only', () => {
    expect(allows(roles.deploy, env(REPO, 'production'))).toBe(true)
    expect(allows(roles.deploy, push(REPO, 'main'))).toBe(false)
    expect(allows(roles.deploy, pr(REPO))).toBe(false)
    expect(allows(roles.deploy, env('acme/other', 'production'))).toBe(false)
  })
})

describe('trusting the protected branch instead of an environment', () => {
  let roles: Record<string, Statement>
  beforeAll(async () => {
    roles = await trustPolicies({ apply_environment: null, deploy_environment: null })
  })

  test.each([
    ['accepts a push to main of the repository', push(REPO, 'main'), true],
    ['rejects another repository', push('acme/other', 'main'), false],
    ['rejects a repository whose name extends it', push('acme/inference-fork', 'main'), false],
    ['rejects another branch', push(REPO, 'feature/x'), false],
    ['rejects a branch named like main', push(REPO, 'main-old'), false],
    ['rejects a pull request', pr(REPO), false],
    ['rejects a tag', githubClaims({ sub: `repo:${REPO}:ref:refs/tags/v1` }), false],
    ['rejects an environment job', env(REPO, 'production'), false]
  ])('apply role %s', (_name, claims, expected) => {
    expect(allows(roles.apply, claims)).toBe(expected)
  })

  test('another protected branch moves every branch-trusting role', async () => {
    const moved = await trustPolicies({ apply_environment: null, protected_branch: 'release' })
    expect(allows(moved.apply, push(REPO, 'release'))).toBe(true)
    expect(allows(moved.apply, push(REPO, 'main'))).toBe(false)
    expect(allows(moved['image-push'], push(REPO, 'release'))).toBe(true)
  })
})

describe('opt-in extra subjects', () => {
  test('plan_trust_protected_branch adds main (drift, doctor) and nothing else', async () => {
    const roles = await trustPolicies({ plan_trust_protected_branch: true })
    expect(allows(roles.plan, push(REPO, 'main'))).toBe(true)
    expect(allows(roles.plan, pr(REPO))).toBe(true)
    expect(allows(roles.plan, push(REPO, 'feature/x'))).toBe(false)
    expect(allows(roles.plan, pr('acme/other'))).toBe(false)
  })

  test('deploy_role_builds_images adds main to deploy and gives it the push policy', async () => {
    const roles = await trustPolicies({ deploy_role_builds_images: true })
    expect(allows(roles.deploy, push(REPO, 'main'))).toBe(true)
    expect(allows(roles.deploy, env(REPO, 'production'))).toBe(true)
    expect(allows(roles.deploy, pr(REPO))).toBe(false)
    const scope = scopeFor(oidc.variables, { ...BASE, deploy_role_builds_images: true }, oidc.locals)
    expect(await evaluate('${local.image_pushers}', scope)).toEqual(['deploy', 'image-push'])
    expect(await evaluate('${local.image_pushers}', scopeFor(oidc.variables, BASE, oidc.locals))).toEqual(['image-push'])
  })

  test('roles switched off are not created', async () => {
    const roles = await trustPolicies({ create_image_push_role: false, create_deploy_role: false })
    expect(Object.keys(roles).sort()).toEqual(['apply', 'plan'])
  })
})

describe('the repository input refuses anything but one exact owner/name', () => {
  const condition = (): string => oidc.variables.repository.validations[0].condition
  const pattern = (): RegExp => {
    const m = /regex\("((?:[^"\\]|\\.)*)"/.exec(condition())
    return new RegExp(JSON.parse(`"${m![1]}"`).replace(/\(\?:/g, '(?:'))
  }

  test.each(['acme/*', '*', 'acme/inference:*', 'acme', 'acme/inference/extra', 'acme/in ference', '*/inference', 'acme/infer?nce'])('rejects %s', (repo) => {
    expect(pattern().test(repo)).toBe(false)
  })

  test.each(['acme/inference', 'Acme-Labs/triton.models', 'a/b_c'])('accepts %s', (repo) => {
    expect(pattern().test(repo)).toBe(true)
  })

  const real = hasTerraform ? test : test.skip
  real.each([
    ['acme/*', false],
    ['acme/inference', true]
  ])('terraform itself applies the validation to %s', (repo, ok) => {
    const dir = mkdtempSync(join(tmpdir(), 'gpuship-tf-'))
    try {
      copyFileSync(join(moduleDir('github_actions_oidc'), 'variables.tf'), join(dir, 'variables.tf'))
      writeFileSync(join(dir, 'terraform.tfvars.json'), JSON.stringify({ ...BASE, repository: repo }))
      const r = terraform(['console', '-no-color'], dir, 'var.repository\n')
      // console reports a failed validation on stderr but still exits 0
      expect({ repo, ok: r.status === 0 && !r.stderr.includes('Invalid value for variable') }).toEqual({ repo, ok })
      if (!ok) expect(r.stderr).toContain('repository must be exactly owner/name')
    } finally {
      rmSync(dir, { recursive: true, force: true })
    }
  })
})
