// Checks that need the real terraform binary (present on this machine, v1.11, without providers or
// network): formatting, and each module's variables and validations as terraform itself loads and
// applies them. Skipped cleanly where the binary is absent; CI runs the full validate/test there.
import { describe, test, expect } from '@jest/globals'
import { mkdtempSync, copyFileSync, writeFileSync, readFileSync, rmSync } from 'node:fs'
import { join } from 'node:path'
import { tmpdir } from 'node:os'
import { hasTerraform, terraform, moduleDir, TERRAFORM_ROOT, TERRAFORM_BIN } from './lib/load.js'

const real = hasTerraform ? test : test.skip
if (!hasTerraform) console.info(`terraform not found at ${TERRAFORM_BIN}: skipping the terraform CLI checks`)

real('terraform fmt -check -recursive finds nothing to reformat', () => {
  const r = terraform(['fmt', '-check', '-recursive', '-list=true', '-no-color', '.'], TERRAFORM_ROOT)
  expect({
    status: r.status,
    unformatted: r.stdout.trim().split('\n').filter(Boolean),
    stderr: r.stderr.replace(/[\s\S]*terraformrc[\s\S]*?╵\n?/, '').trim()
  }).toEqual({ status: 0, unformatted: [], stderr: '' })
})

/** Valid values for the inputs each module requires. */
const BASE: Record<string, Record<string, unknown>> = {
  state_backend: { bucket_name: 'acme-gpuship-tfstate' },
  vpc: { name: 'gpu-prod', cluster_name: 'gpu-prod' },
  eks: { cluster_name: 'gpu-prod', vpc_id: 'vpc-0123456789abcdef0', subnet_ids: ['subnet-0123456789abcdef0', 'subnet-0123456789abcdef1'] },
  monitoring: {},
  github_actions_oidc: {
    repository: 'acme/inference',
    state_bucket_arn: 'arn:aws:s3:::acme-tfstate',
    apply_managed_policy_names: ['PowerUserAccess'],
    cluster_name: 'gpu-prod'
  },
  ecr: { repositories: ['triton'] },
  karpenter: { cluster_name: 'gpu-prod' }
}

/** Runs terraform console over a module's variables.tf alone, returning the variables it rejected. */
function rejected(module: string, values: Record<string, unknown>): string[] {
  const dir = mkdtempSync(join(tmpdir(), 'gpuship-tfvars-'))
  try {
    copyFileSync(join(moduleDir(module), 'variables.tf'), join(dir, 'variables.tf'))
    writeFileSync(join(dir, 'terraform.tfvars.json'), JSON.stringify({ ...BASE[module], ...values }))
    const r = terraform(['console', '-no-color'], dir, 'true\n')
    if (r.status !== 0 && !r.stderr.includes('Invalid value for variable')) throw new Error(`terraform console failed in ${module}: ${r.stderr}`)
    // Each failure ends "checked by the validation rule at variables.tf:<line>"; the variable is the
    // block that line sits in.
    const lines = readFileSync(join(dir, 'variables.tf'), 'utf8').split('\n')
    const owner = (line: number): string => {
      for (let i = line - 1; i >= 0; i--) {
        const m = /^variable "(\w+)"/.exec(lines[i])
        if (m) return m[1]
      }
      return '?'
    }
    return [...r.stderr.matchAll(/validation rule at variables\.tf:(\d+),/g)].map((m) => owner(Number(m[1])))
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
}

describe('module variables under terraform itself', () => {
  real.each(Object.keys(BASE))('%s: variables.tf loads and validates its required inputs', (module) => {
    const dir = mkdtempSync(join(tmpdir(), 'gpuship-tfvalidate-'))
    try {
      copyFileSync(join(moduleDir(module), 'variables.tf'), join(dir, 'variables.tf'))
      expect(terraform(['init', '-backend=false', '-no-color'], dir).status).toBe(0)
      const v = terraform(['validate', '-no-color'], dir)
      expect({ module, status: v.status, out: v.stdout.trim() }).toEqual({ module, status: 0, out: 'Success! The configuration is valid.' })
      expect(rejected(module, {})).toEqual([])
    } finally {
      rmSync(dir, { recursive: true, force: true })
    }
  })

  real.each([
    ['eks', { gpu_node_group: { instance_types: ['m6i.large'] } }, 'gpu_node_group'],
    ['eks', { gpu_node_group: { ami_type: 'AL2023_x86_64_STANDARD' } }, 'gpu_node_group'],
    ['eks', { gpu_node_group: { min_size: 3, desired_size: 1 } }, 'gpu_node_group'],
    ['eks', { gpu_node_group: { capacity_type: 'spot' } }, 'gpu_node_group'],
    ['eks', { kubernetes_version: '1.32.1' }, 'kubernetes_version'],
    ['eks', { subnet_ids: ['subnet-0123456789abcdef0'] }, 'subnet_ids'],
    ['vpc', { cidr: '10.0.0.0/8' }, 'cidr'],
    ['vpc', { cidr: 'ten' }, 'cidr'],
    ['karpenter', { gpu_capacity_types: ['SPOT'] }, 'gpu_capacity_types'],
    ['karpenter', { gpu_instance_families: ['m6i'] }, 'gpu_instance_families'],
    ['karpenter', { use_pod_identity: false }, 'oidc_provider_arn'],
    ['karpenter', { gpu_limit: 0 }, 'gpu_limit'],
    ['state_backend', { bucket_name: 'Bad_Name' }, 'bucket_name'],
    ['ecr', { repositories: ['Triton'] }, 'repositories'],
    ['monitoring', { prometheus_retention: '15 days' }, 'prometheus_retention'],
    ['github_actions_oidc', { repository: 'acme/*' }, 'repository'],
    ['github_actions_oidc', { protected_branch: 'release/*' }, 'protected_branch'],
    ['github_actions_oidc', { deploy_access_policy: 'AmazonEKSClusterAdminPolicy' }, 'deploy_access_policy'],
    ['github_actions_oidc', { plan_managed_policy_names: ['AdministratorAccess'] }, 'plan_managed_policy_names'],
    ['github_actions_oidc', { create_oidc_provider: false }, 'oidc_provider_arn']
  ])('%s rejects %j (%s)', (module, values, variable) => {
    expect(rejected(module, values)).toEqual([variable])
  })

  real.each([
    ['eks', { gpu_node_group: { capacity_type: 'SPOT', ami_type: 'BOTTLEROCKET_x86_64_NVIDIA', instance_types: ['g6e.2xlarge', 'p5.48xlarge'] } }],
    [
      'karpenter',
      {
        gpu_capacity_types: ['spot'],
        use_pod_identity: false,
        oidc_provider_arn: 'arn:aws:iam::111122223333:oidc-provider/oidc.eks.eu-west-1.amazonaws.com/id/ABC'
      }
    ],
    [
      'github_actions_oidc',
      {
        apply_environment: 'production',
        create_oidc_provider: false,
        oidc_provider_arn: 'arn:aws:iam::111122223333:oidc-provider/token.actions.githubusercontent.com'
      }
    ]
  ])('%s accepts %j', (module, values) => {
    expect(rejected(module, values)).toEqual([])
  })
})
