/* eslint-disable @typescript-eslint/no-explicit-any -- workflow and action.yml documents are untyped parsed YAML */
// Every action's metadata as the marketplace and the runner read it, and the agreement between
// the inputs action.yml declares and the inputs the code reads. Each check collects its problems
// over all actions, so one run names every action that is off and what is wrong with it.
import { test, expect } from '@jest/globals'
import { existsSync } from 'node:fs'
import { join } from 'node:path'
import { ROOT, actionDirs, actionYaml, tsFiles, readRepoFile } from './lib/repo-files.js'

const KEBAB = /^[a-z][a-z0-9]*(-[a-z0-9]+)*$/
const COLORS = ['white', 'black', 'yellow', 'blue', 'green', 'orange', 'red', 'purple', 'gray-dark']

/** Reader methods of core's createInputReader plus @actions/core's own getters. */
const READ = /\b(?:getInput|getBooleanInput|getMultilineInput|string|optionalString|boolean|integer|optionalInteger|duration|optionalDuration|list|enumOf|arn|optionalArn|region|optionalRegion)\(\s*['"`]([A-Za-z0-9_-]+)['"`]/g

/**
 * An action may read part of its inputs through a shared reader exported by a package (e.g.
 * `readRootInputs` of @gpuship/terraform, shared by the terraform actions); the files defining the
 * `read…Inputs` functions it imports count as its sources.
 */
function withSharedReaders(files: string[]): string[] {
  const texts = files.map(readRepoFile)
  const extra = new Set<string>()
  for (const t of texts) {
    for (const m of t.matchAll(/import\s*\{([^}]*)\}\s*from\s*'@gpuship\/([a-z-]+)'/g)) {
      const readers = m[1].split(',').map((x) => x.trim().split(/\s+/)[0]).filter((x) => /^read\w*Inputs$/.test(x))
      if (!readers.length) continue
      for (const f of tsFiles(`packages/${m[2]}/src`)) {
        const body = readRepoFile(f)
        if (readers.some((r) => new RegExp(`function ${r}\\b`).test(body))) extra.add(f)
      }
    }
  }
  return [...files, ...extra]
}

function inputsRead(sources: string[]): Set<string> {
  const found = new Set<string>()
  for (const text of sources) for (const m of text.matchAll(READ)) found.add(m[1])
  return found
}

const actions = actionDirs().map((name) => ({ name, meta: actionYaml(name), sources: tsFiles(`actions/${name}/src`) }))
const withMeta = actions.filter((a) => a.meta !== undefined)

function check(each: (a: (typeof actions)[number], problem: (text: string) => void) => void): string[] {
  const problems: string[] = []
  for (const a of withMeta) each(a, (text) => problems.push(`actions/${a.name}: ${text}`))
  return problems
}

test('the input scanner finds reads through core and the input reader', () => {
  const found = inputsRead([`const a = core.getInput('role-to-assume', { required: true }); r.optionalString("audience"); r.duration('lock-timeout'); r.enumOf('fail-on', ['error'])`])
  expect([...found].sort()).toEqual(['audience', 'fail-on', 'lock-timeout', 'role-to-assume'])
})

test('an action with sources has an action.yml', () => {
  expect(actions.filter((a) => a.sources.length > 0 && !a.meta).map((a) => a.name)).toEqual([])
})

test('name, description and branding (icon and color)', () => {
  const problems = check(({ meta }, problem) => {
    if (typeof meta.name !== 'string' || !meta.name.trim()) problem('name missing')
    if (typeof meta.description !== 'string' || meta.description.trim().length < 10) problem('description missing or too short')
    if (typeof meta.branding?.icon !== 'string') problem('branding.icon missing')
    if (!COLORS.includes(meta.branding?.color)) problem(`branding.color '${meta.branding?.color}' is not one of ${COLORS.join(', ')}`)
  })
  expect(problems).toEqual([])
})

test('runs on node24 (entry points built from src) or is composite', () => {
  const problems = check(({ name, meta }, problem) => {
    const using = meta.runs?.using
    if (using === 'composite') return
    if (using !== 'node24') return problem(`runs.using is '${using}', expected node24 or composite`)
    if (meta.runs.main !== 'dist/index.js') problem(`runs.main is '${meta.runs.main}', expected dist/index.js`)
    if (!existsSync(join(ROOT, 'actions', name, 'src', 'index.ts'))) problem('src/index.ts missing')
    if (meta.runs.post && !existsSync(join(ROOT, 'actions', name, 'src', 'post.ts'))) problem('runs.post without src/post.ts')
  })
  expect(problems).toEqual([])
})

test('every input and output described; names kebab-case; boolean defaults true or false', () => {
  const problems = check(({ meta }, problem) => {
    for (const [kind, map] of [['input', meta.inputs], ['output', meta.outputs]] as const) {
      for (const [key, spec] of Object.entries<any>(map ?? {})) {
        if (!KEBAB.test(key)) problem(`${kind} '${key}' is not kebab-case`)
        if (typeof spec?.description !== 'string' || !spec.description.trim()) problem(`${kind} '${key}' has no description`)
        if (kind === 'input' && /^(yes|no|on|off|True|False|TRUE|FALSE)$/.test(String(spec?.default ?? ''))) problem(`input '${key}' default '${spec.default}' is not true|false`)
      }
    }
  })
  expect(problems).toEqual([])
})

test('the inputs the code reads are declared, and every declared input is read', () => {
  const problems = check(({ meta, sources }, problem) => {
    if (meta.runs?.using === 'composite') return
    const texts = withSharedReaders(sources).map(readRepoFile)
    const read = inputsRead(texts)
    const declared = Object.keys(meta.inputs ?? {})
    for (const k of read) if (!declared.includes(k)) problem(`src reads input '${k}' that action.yml does not declare`)
    // Looser in this direction: an input may be read through a table of names, so any quoted literal counts.
    const all = texts.join('\n')
    for (const k of declared) {
      if (!read.has(k) && !all.includes(`'${k}'`) && !all.includes(`"${k}"`)) problem(`action.yml declares input '${k}' that src never reads`)
    }
  })
  expect(problems).toEqual([])
})

