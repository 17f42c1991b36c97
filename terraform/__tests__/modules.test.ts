// The conventions every gpuship Terraform module keeps (docs/terraform-modules.md), checked on the
// real HCL: standard files, typed and described variables, validations where a value can be wrong,
// described outputs, pinned providers and community modules, mock-provider tests.
import { describe, test, expect, beforeAll } from '@jest/globals'
import { existsSync, readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { parseFile, requiredProviders, requiredVersion, unwrap, type Hcl, type TfDir } from '../tools/hcl.js'
import { loadAll, MODULES, moduleDir, TERRAFORM_ROOT } from './lib/load.js'

let dirs: Record<string, TfDir>
beforeAll(async () => {
  dirs = await loadAll()
})

/** Variables that take a value a user can get wrong, and so must be validated. */
const MUST_VALIDATE: Record<string, string[]> = {
  state_backend: ['bucket_name', 'kms_key_arn', 'noncurrent_version_expiration_days', 'noncurrent_versions_to_keep'],
  vpc: ['name', 'cluster_name', 'cidr', 'azs', 'az_count', 'vpc_endpoint_services'],
  eks: [
    'cluster_name',
    'kubernetes_version',
    'vpc_id',
    'subnet_ids',
    'endpoint_public_access_cidrs',
    'cluster_log_types',
    'cluster_log_retention_days',
    'admin_principal_arns',
    'addon_versions',
    'system_node_group',
    'gpu_node_group',
    'nvidia_device_plugin_version'
  ],
  monitoring: [
    'namespace',
    'kube_prometheus_stack_version',
    'dcgm_exporter_version',
    'prometheus_retention',
    'prometheus_storage',
    'grafana_admin_password',
    'gpu_node_selector',
    'gpu_temperature_warning_celsius',
    'scrape_interval'
  ],
  github_actions_oidc: [
    'name_prefix',
    'repository',
    'protected_branch',
    'apply_environment',
    'deploy_environment',
    'oidc_provider_arn',
    'audience',
    'state_bucket_arn',
    'state_key_prefix',
    'plan_managed_policy_names',
    'apply_managed_policy_names',
    'ecr_repository_arns',
    'cluster_name',
    'deploy_namespaces',
    'deploy_access_policy',
    'max_session_duration'
  ],
  ecr: ['repositories', 'image_tag_mutability', 'keep_last_images', 'untagged_expiry_days', 'pull_principal_arns', 'push_principal_arns', 'kms_key_arn'],
  karpenter: [
    'cluster_name',
    'karpenter_version',
    'namespace',
    'oidc_provider_arn',
    'ami_alias',
    'gpu_instance_families',
    'gpu_capacity_types',
    'gpu_limit',
    'gpu_max_per_node',
    'gpu_consolidate_after',
    'gpu_disk_size_gib',
    'cpu_capacity_types',
    'node_expire_after'
  ]
}

test('every module of the design exists, plus bootstrap and the example', () => {
  expect(Object.keys(dirs).sort()).toEqual(expect.arrayContaining([...MODULES.map((m) => `modules/${m}`), 'bootstrap', 'examples/triton-gpu-cluster']))
})

describe.each(MODULES)('module %s', (name) => {
  const abs = moduleDir(name)
  const dir = (): TfDir => dirs[`modules/${name}`]

  test('has main.tf, variables.tf, outputs.tf, versions.tf, README.md and tests/*.tftest.hcl', () => {
    for (const f of ['main.tf', 'variables.tf', 'outputs.tf', 'versions.tf', 'README.md'])
      expect({ f, exists: existsSync(join(abs, f)) }).toEqual({ f, exists: true })
    const tests = existsSync(join(abs, 'tests')) ? readdirSync(join(abs, 'tests')).filter((f) => f.endsWith('.tftest.hcl')) : []
    expect(tests.length).toBeGreaterThan(0)
  })

  test('variables live in variables.tf and outputs in outputs.tf', () => {
    for (const [file, hcl] of Object.entries(dir().files)) {
      if (file !== 'variables.tf') expect({ file, variables: Object.keys(hcl.variable ?? {}) }).toEqual({ file, variables: [] })
      if (file !== 'outputs.tf') expect({ file, outputs: Object.keys(hcl.output ?? {}) }).toEqual({ file, outputs: [] })
    }
  })

  test('every variable has a type and a description', () => {
    const vars = Object.values(dir().variables)
    expect(vars.length).toBeGreaterThan(0)
    for (const v of vars) {
      expect({ variable: v.name, type: typeof v.type, description: typeof v.description }).toEqual({ variable: v.name, type: 'string', description: 'string' })
      expect(v.description!.length).toBeGreaterThan(10)
    }
  })

  test('variables that can be wrong are validated, each with a message', () => {
    const vars = dir().variables
    const listed = MUST_VALIDATE[name]
    const arns = Object.keys(vars).filter((v) => /_arns?$/.test(v))
    for (const v of new Set([...listed, ...arns])) {
      expect({ variable: v, declared: v in vars }).toEqual({ variable: v, declared: true })
      expect({ variable: v, validations: vars[v].validations.length > 0 }).toEqual({ variable: v, validations: true })
    }
    for (const v of Object.values(vars)) {
      for (const val of v.validations) {
        expect({ variable: v.name, refersToItself: String(val.condition).includes(`var.${v.name}`) }).toEqual({ variable: v.name, refersToItself: true })
        expect(String(val.error_message).length).toBeGreaterThan(15)
      }
    }
  })

  test('variables without a default are the ones a caller must choose', () => {
    const required = Object.values(dir().variables)
      .filter((v) => !v.hasDefault)
      .map((v) => v.name)
    // A module with many required inputs is hard to use; a handful is the ceiling.
    expect(required.length).toBeLessThanOrEqual(4)
    for (const v of Object.values(dir().variables).filter((x) => x.hasDefault && x.sensitive))
      expect({ variable: v.name, default: v.default }).toEqual({ variable: v.name, default: null })
  })

  test('every output is described', () => {
    const outs = Object.values(dir().outputs)
    expect(outs.length).toBeGreaterThan(0)
    for (const o of outs)
      expect({ output: o.name, described: typeof o.description === 'string' && o.description.length > 5 }).toEqual({ output: o.name, described: true })
  })

  test('pins terraform and every provider with a lower and an upper bound', () => {
    expect(requiredVersion(dir())).toMatch(/^>= ?1\.(1[0-9]|[2-9][0-9])/)
    const providers = requiredProviders(dir())
    expect(Object.keys(providers).length).toBeGreaterThan(0)
    for (const [p, spec] of Object.entries(providers)) {
      expect({ p, source: spec.source }).toEqual({ p, source: expect.stringMatching(/^hashicorp\/[a-z]+$/) })
      expect({ p, version: spec.version }).toEqual({ p, version: expect.stringMatching(/(~>\s*\d+\.\d+|<\s*\d+)/) })
    }
  })

  test('declares every provider it uses', () => {
    const used = new Set<string>()
    for (const hcl of Object.values(dir().files)) {
      for (const kind of ['resource', 'data']) for (const type of Object.keys(hcl[kind] ?? {})) used.add(type.split('_')[0])
    }
    const declared = Object.keys(requiredProviders(dir()))
    for (const p of used) expect({ provider: p, declared: declared.includes(p) }).toEqual({ provider: p, declared: true })
  })

  test('community modules are pinned to an exact version', () => {
    for (const m of Object.values(dir().modules)) {
      if (m.source.startsWith('./') || m.source.startsWith('../')) continue
      expect({ module: m.name, source: m.source }).toEqual({ module: m.name, source: expect.stringMatching(/^terraform-aws-modules\//) })
      expect({ module: m.name, version: m.version }).toEqual({ module: m.name, version: expect.stringMatching(/^\d+\.\d+\.\d+$/) })
    }
  })

  test('its terraform tests parse, mock every provider the module declares and assert something', async () => {
    const files = readdirSync(join(abs, 'tests')).filter((f) => f.endsWith('.tftest.hcl'))
    const mocked = new Set<string>()
    let runs = 0
    let failures = 0
    for (const f of files) {
      const hcl = await parseFile(join(abs, 'tests', f))
      for (const p of Object.keys(hcl.mock_provider ?? {})) mocked.add(p)
      for (const [run, [body]] of Object.entries<Hcl>(hcl.run ?? {})) {
        runs++
        expect({ run, command: unwrap(body.command) }).toEqual({ run, command: expect.stringMatching(/^(plan|apply)$/) })
        if (body.expect_failures) failures++
        else expect({ run, asserts: (body.assert ?? []).length > 0 }).toEqual({ run, asserts: true })
      }
    }
    for (const p of Object.keys(requiredProviders(dir()))) expect({ provider: p, mocked: mocked.has(p) }).toEqual({ provider: p, mocked: true })
    expect(runs).toBeGreaterThanOrEqual(3)
    expect(failures).toBeGreaterThanOrEqual(1) // at least one run proves a validation rejects a bad value
  })

  test('outputs that index into counted or keyed resources tolerate their absence (try)', () => {
    for (const o of Object.values(dir().outputs)) {
      const v = String(o.value)
      // An index straight after a resource or module address (aws_x.y[0], module.m[0]) can be absent.
      if (/(?:^|[^.\w])(module\.\w+|(?:data\.)?[a-z0-9]+_\w+\.\w+)\[/.test(v) && !/\bfor\b/.test(v))
        expect({ output: o.name, value: v }).toEqual({ output: o.name, value: expect.stringMatching(/try\(|length\(/) })
    }
  })
})

test('bootstrap has no backend and the example has an S3 backend with use_lockfile', () => {
  const boot = dirs.bootstrap
  expect(boot.terraform.some((t) => t.backend)).toBe(false)
  expect(Object.values(boot.modules).map((m) => m.source)).toContain('../modules/state_backend')

  const example = dirs['examples/triton-gpu-cluster']
  const backend = example.terraform.map((t) => t.backend).find(Boolean)
  expect(backend).toBeDefined()
  const s3 = backend.s3[0]
  expect(s3.use_lockfile).toBe(true)
  expect(s3.encrypt).toBe(true)
  expect(s3.key).toMatch(/\.tfstate$/)
  expect(s3.dynamodb_table).toBeUndefined()
  expect(readFileSync(join(TERRAFORM_ROOT, 'examples/triton-gpu-cluster/backend.hcl.example'), 'utf8')).toMatch(/use_lockfile\s*=\s*true/)
})
