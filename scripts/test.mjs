#!/usr/bin/env node
// Runs the whole jest suite and ends with one plain line, "N passed, N failed", read from jest's
// --json results (CI reads that line; a run that executed nothing prints "0 passed, 0 failed").
import { spawnSync } from 'node:child_process'
import { mkdtempSync, readFileSync, existsSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, dirname } from 'node:path'
import { fileURLToPath } from 'node:url'

const root = join(dirname(fileURLToPath(import.meta.url)), '..')
const out = join(mkdtempSync(join(tmpdir(), 'gpuship-jest-')), 'results.json')
const jest = join(root, 'node_modules', 'jest', 'bin', 'jest.js')
const env = { ...process.env, NODE_OPTIONS: [process.env.NODE_OPTIONS, '--experimental-vm-modules', '--no-warnings'].filter(Boolean).join(' ') }
const res = spawnSync(process.execPath, [jest, '--json', `--outputFile=${out}`, ...process.argv.slice(2)], { cwd: root, env, stdio: 'inherit' })

let passed = 0
let failed = 0
if (existsSync(out)) {
  const r = JSON.parse(readFileSync(out, 'utf8'))
  passed = r.numPassedTests ?? 0
  failed = (r.numFailedTests ?? 0) + (r.numRuntimeErrorTestSuites ?? 0)
}
const code = res.status ?? 1
if (code !== 0 && failed === 0) failed = 1
process.stdout.write(`\n${passed} passed, ${failed} failed\n`)
process.exit(code)
