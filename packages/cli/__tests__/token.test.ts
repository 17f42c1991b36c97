import { describe, test, expect, beforeAll, afterAll, jest } from '@jest/globals'
import { execFile } from 'node:child_process'
import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { promisify } from 'node:util'
import { PassThrough } from 'node:stream'
import { createAwsSimulator, createEksTokenVerifier, type AwsSimulator, type AccessKey } from '@gpuship/testkit'
import { main } from '../src/main.js'

jest.setTimeout(60_000)
const exec = promisify(execFile)
const root = join(dirname(fileURLToPath(import.meta.url)), '../../..')
let sim: AwsSimulator
let user: AccessKey

async function gpuship(args: string[], env: Record<string, string>) {
  const home = mkdtempSync(join(tmpdir(), 'gpuship-token-'))
  return exec(process.execPath, [join(root, 'node_modules/tsx/dist/cli.mjs'), join(root, 'packages/cli/src/bin.ts'), 'token', ...args], {
    cwd: root,
    env: { PATH: process.env.PATH ?? '', HOME: home, AWS_CONFIG_FILE: join(home, 'config'), AWS_SHARED_CREDENTIALS_FILE: join(home, 'credentials'), AWS_EC2_METADATA_DISABLED: 'true', ...env }
  })
}

beforeAll(async () => {
  sim = await createAwsSimulator({ services: ['sts'] })
  user = sim.createUser({ account: '123456789012', name: 'ops' })
  const c = sim.createCluster({ account: '123456789012', name: 'gpu-prod', region: 'eu-west-1' })
  c.accessEntries.set(user.arn, { username: 'ops', groups: ['system:masters'] })
  const admin = sim.createRole({ account: '123456789012', name: 'admin', trustPolicy: { Statement: [{ Effect: 'Allow', Principal: { AWS: user.arn }, Action: 'sts:AssumeRole' }] } })
  c.accessEntries.set(admin.arn, { username: 'admin:{{SessionName}}', groups: ['system:masters'] })
})
afterAll(async () => sim.close())

describe('gpuship token', () => {
  test('prints an ExecCredential the EKS verifier accepts (credentials from the environment)', async () => {
    const { stdout } = await gpuship(['--cluster-name', 'gpu-prod', '--region', 'eu-west-1'], { AWS_ACCESS_KEY_ID: user.accessKeyId, AWS_SECRET_ACCESS_KEY: user.secretAccessKey })
    const cred = JSON.parse(stdout)
    expect(cred).toMatchObject({ kind: 'ExecCredential', apiVersion: 'client.authentication.k8s.io/v1beta1' })
    expect(await createEksTokenVerifier(sim, 'gpu-prod')(cred.status.token)).toEqual({ username: 'ops', arn: user.arn, groups: ['system:masters'] })
  })

  test('reads a profile of the shared credentials file, and assumes --role-arn first', async () => {
    const home = mkdtempSync(join(tmpdir(), 'aws-profile-'))
    writeFileSync(join(home, 'credentials'), `[ops]\naws_access_key_id = ${user.accessKeyId}\naws_secret_access_key = ${user.secretAccessKey}\n`)
    const { stdout } = await gpuship(['--cluster-name', 'gpu-prod', '--profile', 'ops', '--role-arn', 'arn:aws:iam::123456789012:role/admin'], {
      AWS_SHARED_CREDENTIALS_FILE: join(home, 'credentials'), AWS_CONFIG_FILE: join(home, 'none'), AWS_REGION: 'eu-west-1', AWS_ENDPOINT_URL: sim.endpoint
    })
    const id = await createEksTokenVerifier(sim, 'gpu-prod')(JSON.parse(stdout).status.token)
    expect(id?.username).toMatch(/^admin:gpuship-token-\d+$/)
  })

  test.each([
    [['--region', 'us-east-1'], '--cluster-name'],
    [['--cluster-name', 'x', '--region', 'nowhere'], "Invalid --region 'nowhere'"],
    [['--cluster-name', 'x', '--bogus'], 'Unknown flag --bogus']
  ])('bad flags %j exit 2 naming the flag', async (argv, text) => {
    let err = ''
    const e = new PassThrough().on('data', (c) => (err += c))
    const code = await main(['token', ...argv], { stdout: new PassThrough(), stderr: e, env: {}, cwd: root })
    expect(code).toBe(2)
    expect(err).toContain(text)
  })
})
