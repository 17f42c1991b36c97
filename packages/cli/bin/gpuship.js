#!/usr/bin/env node
// Runs the TypeScript sources through tsx so a clone needs no build step.
import { spawnSync } from 'node:child_process'
import { createRequire } from 'node:module'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'

const here = dirname(fileURLToPath(import.meta.url))
const require = createRequire(import.meta.url)
const tsx = join(dirname(require.resolve('tsx/package.json')), 'dist', 'cli.mjs')
const res = spawnSync(process.execPath, [tsx, join(here, '..', 'src', 'bin.ts'), ...process.argv.slice(2)], { stdio: 'inherit' })
process.exit(res.status ?? 1)
