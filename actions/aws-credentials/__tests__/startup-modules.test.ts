import { describe, test, expect } from '@jest/globals'
import { spawnSync } from 'node:child_process'
import { existsSync, readFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'

/**
 * Cold start: a bundle must load only what runs before input validation. With no inputs each
 * action fails on its first required input, so whatever Node modules it loaded by then were paid
 * for up front. The network stacks (https pulls in tls, net and http) and the SDKs must wait
 * until a call is made. (Time itself is measured by the bench, not here.)
 */
const actions = join(dirname(fileURLToPath(import.meta.url)), '..', '..')
const HOOK = "process.on('exit', () => process.stderr.write('\\nLOADED ' + JSON.stringify(process.moduleLoadList) + '\\n'))"

function loadedAtStartup(action: string): string[] {
  const entry = join(actions, action, 'dist', 'index.js')
  if (!existsSync(entry)) throw new Error(`Build the action first: node scripts/bundle.mjs --only ${action}`)
  const r = spawnSync(process.execPath, ['--import', `data:text/javascript,${encodeURIComponent(HOOK)}`, entry], { env: { PATH: process.env.PATH }, encoding: 'utf8' })
  expect(r.stdout).toMatch(/::error::Input required and not supplied/)
  const line = r.stderr.split('\n').find((l) => l.startsWith('LOADED '))
  if (!line) throw new Error(`no module list in stderr: ${r.stderr}`)
  return (JSON.parse(line.slice('LOADED '.length)) as string[]).filter((m) => m.startsWith('NativeModule ')).map((m) => m.slice('NativeModule '.length))
}

describe.each(['aws-credentials', 'eks-kubeconfig', 'ecr-build-push'])('%s bundle start-up', (action) => {
  test('fails on the missing input without loading https, tls or http', () => {
    const loaded = loadedAtStartup(action)
    expect(loaded).toContain('os') // the list is real: @actions/core needs os to print the error
    expect(loaded.filter((m) => ['https', 'tls', '_http_client', 'http', 'http2', 'zlib'].includes(m))).toEqual([])
  })
})

// The work after validation lives in a chunk loaded only once the inputs are good; its words
// (which minification keeps) must not be in the entry file that every run parses.
describe.each([
  ['aws-credentials', ['AssumeRoleWithWebIdentity', 'which is not in allowed-account-ids', 'GitHub OIDC token']],
  ['eks-kubeconfig', ['DescribeCluster', 'SelfSubjectReview']],
  ['ecr-build-push', ['Digest mismatch for', 'GetAuthorizationToken', 'is not installed on this runner']]
])('%s entry bundle', (action, words) => {
  test('holds the input validation but not the code that runs after it', () => {
    const entry = readFileSync(join(actions, action, 'dist', 'index.js'), 'utf8')
    expect(entry).toContain('Input required and not supplied')
    expect(words.filter((w) => entry.includes(w))).toEqual([])
  })
})
