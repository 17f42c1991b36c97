#!/usr/bin/env node
// Bundles every action with @vercel/ncc: actions/<name>/src/<entry>.ts -> dist/[<entry>/]index.js,
// where <entry> is index (the main step), post, pre, or any other file listed in ENTRIES.
// `--check` builds into a temporary folder and fails when a committed dist/ differs.
// `--only name,name` limits the run to some actions.
import ncc from '@vercel/ncc'
import { transform } from 'esbuild'
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync, statSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { spawnSync } from 'node:child_process'
import { dirname, join, relative } from 'node:path'
import { fileURLToPath } from 'node:url'

const root = join(dirname(fileURLToPath(import.meta.url)), '..')
// The check-dist test points this at a scratch folder of actions.
const actionsDir = process.env.GPUSHIP_ACTIONS_DIR ?? join(root, 'actions')
const ENTRIES = ['index', 'pre', 'post', 'token']
const args = process.argv.slice(2)
const check = args.includes('--check')
const onlyIdx = args.indexOf('--only')
const only = onlyIdx >= 0 ? args[onlyIdx + 1].split(',') : undefined

function listFiles(dir, base = dir) {
  if (!existsSync(dir)) return []
  return readdirSync(dir).flatMap((f) => {
    const p = join(dir, f)
    return statSync(p).isDirectory() ? listFiles(p, base) : [relative(base, p)]
  })
}

// ncc minifies the entry but writes lazily loaded chunks (the AWS SDK clients, the Kubernetes
// client) as they are; @kubernetes/client-node alone is ~20 MB unminified. esbuild only minifies
// here, ncc still does the bundling.
async function minifyChunk(source) {
  const { code } = await transform(source.toString(), { minify: true, format: 'esm', target: 'es2022', legalComments: 'none' })
  return code
}

async function bundleAction(name, outDir) {
  const src = join(actionsDir, name, 'src')
  rmSync(outDir, { recursive: true, force: true })
  for (const entry of ENTRIES) {
    const file = join(src, `${entry}.ts`)
    if (!existsSync(file)) continue
    const target = entry === 'index' ? outDir : join(outDir, entry)
    let built
    try {
      built = await ncc(file, { minify: true, sourceMap: false, quiet: true, target: 'es2022', cache: false, license: 'licenses.txt' })
    } catch (err) {
      // ncc's own stack is minified noise; the message carries the TypeScript or resolve error.
      process.stderr.write(`ncc could not bundle ${relative(root, file)}:\n${String(err?.message ?? err).slice(0, 4000)}\n`)
      process.exit(1)
    }
    const { code, assets } = built
    mkdirSync(target, { recursive: true })
    writeFileSync(join(target, 'index.js'), code)
    for (const [asset, { source }] of Object.entries(assets)) {
      mkdirSync(dirname(join(target, asset)), { recursive: true })
      writeFileSync(join(target, asset), asset.endsWith('.js') ? await minifyChunk(source) : source)
    }
  }
}

// One child process per action: webpack's memory is not given back between builds, and eleven
// builds in one process ran out of heap.
const oneIdx = args.indexOf('--one')
if (oneIdx >= 0) {
  await bundleAction(args[oneIdx + 1], args[args.indexOf('--out') + 1])
  process.exit(0)
}

function bundleInChild(name, outDir) {
  const res = spawnSync(process.execPath, [fileURLToPath(import.meta.url), '--one', name, '--out', outDir], { stdio: 'inherit', env: process.env })
  if (res.status !== 0) process.exit(res.status ?? 1)
}

const actions = readdirSync(actionsDir).filter((n) => existsSync(join(actionsDir, n, 'src', 'index.ts')) && (!only || only.includes(n)))
const stale = []
for (const name of actions) {
  const committed = join(actionsDir, name, 'dist')
  if (!check) {
    bundleInChild(name, committed)
    process.stdout.write(`bundled actions/${name}/dist\n`)
    continue
  }
  const fresh = join(mkdtempSync(join(tmpdir(), `gpuship-dist-${name}-`)), 'dist')
  bundleInChild(name, fresh)
  const a = listFiles(committed).sort()
  const b = listFiles(fresh).sort()
  const differs = a.join('\n') !== b.join('\n') || b.some((f) => !readFileSync(join(committed, f)).equals(readFileSync(join(fresh, f))))
  if (differs) stale.push({ name, fresh })
}
if (check) {
  if (stale.length) {
    for (const s of stale) process.stderr.write(`actions/${s.name}/dist is stale: it differs from a fresh build (kept at ${s.fresh}).\n`)
    process.stderr.write('Fix: run "pnpm bundle" and commit actions/*/dist.\n')
    process.exit(1)
  }
  process.stdout.write(`dist is current for ${actions.length} action(s)\n`)
}
