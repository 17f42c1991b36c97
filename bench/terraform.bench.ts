/**
 * Rendering a 10,000-resource plan JSON (parse, summary, full job-summary render, the cut PR
 * comment, canonical hash) in a child process, beside jq counting the actions of the same file.
 * The plan is generated here into a temporary file (never committed). Figures: median wall time
 * of 5 runs each, and the child's peak RSS (node: process.resourceUsage().maxRSS; jq: GNU time %M).
 *
 * Run as `pnpm bench terraform`. The same file is the child: `tsx bench/terraform.bench.ts --render-child PLAN`.
 */
import { spawnSync } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { median, type Bench, type Figure } from './harness.js'

const here = dirname(fileURLToPath(import.meta.url))
const root = join(here, '..')
const RUNS = 5
const RESOURCES = 10_000

export function generate(file: string): void {
  const kinds = [['create'], ['update'], ['delete', 'create'], ['delete'], ['no-op'], ['read']]
  const rc = []
  for (let i = 0; i < RESOURCES; i++) {
    const actions = kinds[i % 17 === 0 ? 3 : i % 11 === 0 ? 2 : i % 5 === 0 ? 1 : i % 7 === 0 ? 4 : i % 13 === 0 ? 5 : 0]
    const attrs = (v: number) => ({
      ami: `ami-0${(i * 7919 + v).toString(16).padStart(16, '0')}`,
      instance_type: v ? 'g5.2xlarge' : 'g5.xlarge',
      subnet_id: `subnet-${(i % 64).toString(16).padStart(8, '0')}`,
      tags: { Name: `gpu-worker-${i}`, Team: 'ml-platform', Cost: `cc-${i % 12}` },
      root_block_device: [{ volume_size: 200 + v * 100, volume_type: 'gp3', encrypted: true }],
      user_data: `#!/bin/bash\n/etc/eks/bootstrap.sh gpu-prod --kubelet-extra-args '--node-labels=pool=${i % 9}'`
    })
    rc.push({
      address: `module.pool["p${i % 9}"].aws_instance.worker[${i}]`,
      module_address: `module.pool["p${i % 9}"]`,
      mode: actions[0] === 'read' ? 'data' : 'managed',
      type: 'aws_instance',
      name: 'worker',
      index: i,
      provider_name: 'registry.terraform.io/hashicorp/aws',
      change: {
        actions,
        before: actions[0] === 'create' ? null : attrs(0),
        after: actions.length === 1 && actions[0] === 'delete' ? null : attrs(actions[0] === 'no-op' ? 0 : 1),
        after_unknown: actions[0] === 'delete' && actions.length === 1 ? {} : { id: true, arn: true, private_ip: true, tags: {}, root_block_device: [{}] },
        before_sensitive: actions[0] === 'create' ? false : { user_data: true, tags: {}, root_block_device: [{}] },
        after_sensitive: { user_data: true, tags: {}, root_block_device: [{}] },
        ...(actions.length === 2 ? { replace_paths: [['ami']] } : {})
      },
      ...(actions.length === 2 ? { action_reason: 'replace_because_cannot_update' } : {})
    })
  }
  writeFileSync(file, JSON.stringify({ format_version: '1.2', terraform_version: '1.11.4', resource_changes: rc, output_changes: {}, timestamp: new Date().toISOString(), applyable: true, complete: true, errored: false }))
}

async function renderChild(file: string): Promise<void> {
  const tf = await import('../packages/terraform/src/index.js')
  const t = process.hrtime.bigint()
  const plan = tf.parsePlanJson(readFileSync(file, 'utf8'))
  const full = tf.renderPlan(plan, { limit: 1_000_000 })
  const comment = tf.renderPlan(plan, { limit: tf.COMMENT_LIMIT })
  const hash = tf.planHash(plan)
  const ms = Number(process.hrtime.bigint() - t) / 1e6
  process.stdout.write(JSON.stringify({ ms, maxRssKb: process.resourceUsage().maxRSS, full: full.markdown.length, comment: comment.markdown.length, hash, counts: full.summary.counts }))
}

function timeMs(fn: () => void): number {
  const t = process.hrtime.bigint()
  fn()
  return Number(process.hrtime.bigint() - t) / 1e6
}

const bench: Bench = {
  name: `terraform: render a ${RESOURCES.toLocaleString('en')}-resource plan JSON beside jq counting its actions (median of ${RUNS})`,
  async run() {
    const dir = mkdtempSync(join(tmpdir(), 'gpuship-bench-tf-'))
    const file = join(dir, 'plan.json')
    try {
      generate(file)
      const mb = statSync(file).size / 1e6
      const tsx = join(root, 'node_modules', '.bin', 'tsx')
      const inner: number[] = []
      const wall: number[] = []
      let rss = 0
      let last: { full: number; comment: number; counts: Record<string, number> } | undefined
      for (let i = 0; i < RUNS; i++) {
        let out = ''
        wall.push(timeMs(() => {
          const r = spawnSync(tsx, [fileURLToPath(import.meta.url), '--render-child', file], { cwd: root, encoding: 'utf8', maxBuffer: 1 << 24 })
          if (r.status !== 0) throw new Error(`render child failed: ${r.stderr}`)
          out = r.stdout
        }))
        const j = JSON.parse(out) as { ms: number; maxRssKb: number; full: number; comment: number; counts: Record<string, number> }
        inner.push(j.ms)
        rss = Math.max(rss, j.maxRssKb)
        last = j
      }
      const jqFilter = '[.resource_changes[].change.actions | join("+")] | group_by(.) | map({(.[0]): length}) | add'
      const jqWall: number[] = []
      let jqRss = 0
      for (let i = 0; i < RUNS; i++) {
        let err = ''
        jqWall.push(timeMs(() => {
          const r = spawnSync('/usr/bin/time', ['-f', '%M', '/usr/bin/jq', '-c', jqFilter, file], { encoding: 'utf8' })
          if (r.status !== 0) throw new Error(`jq failed: ${r.stderr}`)
          err = r.stderr
        }))
        jqRss = Math.max(jqRss, Number(err.trim().split('\n').pop()))
      }
      const jqMs = median(jqWall)
      const figures: Figure[] = [
        { label: `plan JSON size`, value: Number(mb.toFixed(1)), unit: 'MB' },
        { label: 'render: parse + summary + full + comment + hash (in process)', value: median(inner), unit: 'ms', baseline: { label: 'jq count, whole process', value: jqMs } },
        { label: 'render: whole child process (tsx start included)', value: median(wall), unit: 'ms', baseline: { label: 'jq count, whole process', value: jqMs } },
        { label: 'render: peak RSS of the child', value: Math.round(rss / 1024), unit: 'MB', baseline: { label: 'jq peak RSS', value: Math.round(jqRss / 1024) } },
        { label: 'comment length (limit 65,536)', value: last?.comment ?? 0, unit: 'chars', note: `full render ${last?.full ?? 0} chars; destroys ${last?.counts.destroy}, replaces ${last?.counts.replace}` }
      ]
      return figures
    } finally {
      rmSync(dir, { recursive: true, force: true })
    }
  }
}

export default bench

if (process.argv[2] === '--render-child') await renderChild(process.argv[3])
