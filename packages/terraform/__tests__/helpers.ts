import { readFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { parsePlanJson, type PlanJson, type ResourceChange } from '../src/index.js'

export const FIXTURES = join(dirname(fileURLToPath(import.meta.url)), '..', 'fixtures')

export function load(name: string): PlanJson {
  return parsePlanJson(readFileSync(join(FIXTURES, `${name}.json`), 'utf8'), name)
}

/** A plan of `n` resources: every tenth a destroy, every twentieth a replace, the rest creates. */
export function bigPlan(n: number): PlanJson {
  const rc: ResourceChange[] = []
  for (let i = 0; i < n; i++) {
    const actions = i % 10 === 0 ? ['delete'] : i % 20 === 5 ? ['delete', 'create'] : ['create']
    rc.push({
      address: `module.pool[${i % 7}].aws_instance.gpu_worker_${i}`,
      type: 'aws_instance',
      name: `gpu_worker_${i}`,
      change: {
        actions: actions as never,
        before: actions[0] === 'create' ? null : { ami: 'ami-0aaa1111bbbb22223', instance_type: 'g5.xlarge', tags: { Name: `w${i}` } },
        after: actions[0] === 'delete' && actions.length === 1 ? null : { ami: 'ami-0ccc3333dddd44445', instance_type: 'g5.xlarge', tags: { Name: `w${i}` } },
        after_unknown: { id: true, arn: true, private_ip: true },
        before_sensitive: {},
        after_sensitive: {}
      },
      action_reason: actions.length === 2 ? 'replace_because_cannot_update' : undefined
    })
  }
  return { format_version: '1.2', terraform_version: '1.11.4', resource_changes: rc, timestamp: '2026-12-04T00:00:00Z' }
}
