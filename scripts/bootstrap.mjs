#!/usr/bin/env node
// What `npm test` and `npm run sandbox` run on a fresh clone with only Node and git: install the
// workspace with the pinned pnpm when node_modules is missing or older than the lockfile, bring the
// Debian tools the tests drive (when root on Debian), then run the command.
import { spawnSync } from 'node:child_process'
import { existsSync, readFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'

const root = join(dirname(fileURLToPath(import.meta.url)), '..')
const [command = 'test', ...rest] = process.argv.slice(2)
const pnpmVersion = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')).packageManager.split('@')[1]

// The real tools the tests and the sandbox use: an image builder, an OCI registry, the AWS CLI for
// fidelity tests, and kubectl (present on this project's machines; Debian ships it as kubernetes-client).
export const DEBIAN_TOOLS = [
  { bin: 'buildah', pkg: 'buildah' },
  { bin: 'docker-registry', pkg: 'docker-registry' },
  { bin: 'htpasswd', pkg: 'apache2-utils' },
  { bin: 'kubectl', pkg: 'kubernetes-client' },
  { bin: 'aws', pkg: 'awscli' },
  { bin: 'jq', pkg: 'jq' }
]

function run(cmd, args, opts = {}) {
  const res = spawnSync(cmd, args, { stdio: 'inherit', cwd: root, ...opts })
  if (res.error) return { status: 127, error: res.error }
  return res
}

function has(bin) {
  return spawnSync('sh', ['-c', `command -v ${bin}`], { stdio: 'ignore' }).status === 0
}

function pnpm(args) {
  const local = spawnSync('pnpm', ['--version'], { encoding: 'utf8' })
  if (local.status === 0 && local.stdout.trim() === pnpmVersion) return run('pnpm', args)
  return run('npx', ['--yes', `pnpm@${pnpmVersion}`, ...args], { env: { ...process.env, COREPACK_ENABLE_STRICT: '0' } })
}

function ensureDependencies() {
  const installed = join(root, 'node_modules', '.pnpm', 'lock.yaml')
  const current = existsSync(installed) && readFileSync(installed, 'utf8') === readFileSync(join(root, 'pnpm-lock.yaml'), 'utf8')
  if (current) return
  process.stderr.write(`bootstrap: installing the workspace with pnpm ${pnpmVersion}\n`)
  const res = pnpm(['install', '--frozen-lockfile'])
  if (res.status !== 0) {
    process.stderr.write('bootstrap: "pnpm install --frozen-lockfile" failed (see above). Fix the lockfile with "pnpm install" and commit it.\n')
    process.exit(res.status ?? 1)
  }
}

function ensureDebianTools() {
  const missing = DEBIAN_TOOLS.filter((t) => !has(t.bin))
  if (missing.length === 0) return
  const pkgs = [...new Set(missing.map((t) => t.pkg))]
  const isRoot = typeof process.getuid === 'function' && process.getuid() === 0
  if (!isRoot || !has('apt-get')) {
    process.stderr.write(`bootstrap: missing ${missing.map((t) => t.bin).join(', ')}; install the Debian packages ${pkgs.join(' ')} (tests that drive them will fail without them).\n`)
    return
  }
  process.stderr.write(`bootstrap: apt-get install ${pkgs.join(' ')}\n`)
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' }
  run('apt-get', ['update', '-qq'], { env })
  const res = run('apt-get', ['install', '-y', '-qq', '--no-install-recommends', ...pkgs], { env })
  if (res.status !== 0) process.stderr.write(`bootstrap: apt-get install ${pkgs.join(' ')} failed; tests that drive them will fail.\n`)
}

ensureDependencies()
const tsx = join(root, 'node_modules', 'tsx', 'dist', 'cli.mjs')
let res
switch (command) {
  case 'test':
    ensureDebianTools()
    res = run(process.execPath, [join(root, 'scripts', 'test.mjs'), ...rest])
    break
  case 'sandbox':
    res = run(process.execPath, [tsx, join(root, 'packages', 'cli', 'src', 'bin.ts'), 'sandbox', ...rest])
    break
  default:
    process.stderr.write(`bootstrap: unknown command "${command}" (expected test or sandbox)\n`)
    process.exit(2)
}
process.exit(res.status ?? 1)
