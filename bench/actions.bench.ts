/**
 * Cold start of each committed action bundle beside a bare `node -e ''`, and its size.
 * The bundle runs with no inputs, so it stops at input validation: what is measured is what the
 * runner pays before the action does anything (module loading), the part lazy imports cut.
 */
import { spawnSync } from 'node:child_process'
import { existsSync, readdirSync, statSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { median, type Bench, type Figure } from './harness.js'

const root = join(dirname(fileURLToPath(import.meta.url)), '..')
const RUNS = 11

function coldStart(args: string[]): number {
  const samples: number[] = []
  const env = { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '/tmp' }
  for (let i = 0; i < RUNS; i++) {
    const t = process.hrtime.bigint()
    spawnSync(process.execPath, args, { stdio: 'ignore', env })
    samples.push(Number(process.hrtime.bigint() - t) / 1e6)
  }
  return median(samples)
}

function sizeOf(dir: string): number {
  return readdirSync(dir).reduce((n, f) => {
    const p = join(dir, f)
    const s = statSync(p)
    return n + (s.isDirectory() ? sizeOf(p) : s.size)
  }, 0)
}

const bench: Bench = {
  name: 'action bundles: cold start (median of 11, no inputs) and size',
  async run() {
    const bare = coldStart(['-e', ''])
    const figures: Figure[] = [{ label: "node -e ''", value: bare, unit: 'ms' }]
    for (const name of readdirSync(join(root, 'actions')).sort()) {
      const entry = join(root, 'actions', name, 'dist', 'index.js')
      if (!existsSync(entry)) continue
      figures.push({ label: `${name}: cold start`, value: coldStart([entry]), unit: 'ms', baseline: { label: "node -e ''", value: bare } })
      figures.push({
        label: `${name}: dist/index.js (all of dist/)`,
        value: Math.round(statSync(entry).size / 1024),
        unit: 'KiB',
        note: `(${Math.round(sizeOf(join(root, 'actions', name, 'dist')) / 1024)} KiB with lazily loaded chunks)`
      })
    }
    return figures
  }
}
export default bench
