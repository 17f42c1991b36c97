import { describe, test, expect, beforeAll, afterAll } from '@jest/globals'
import { STSClient, GetCallerIdentityCommand } from '@aws-sdk/client-sts'
import { createAwsSimulator, jsonResponse, AwsError, type AwsSimulator, type AccessKey } from '../src/aws/index.js'

let sim: AwsSimulator
let user: AccessKey

beforeAll(async () => {
  sim = await createAwsSimulator()
  user = sim.createUser({ account: '123456789012', name: 'alice' })
})
afterAll(async () => sim.close())

const sts = (key: { accessKeyId: string; secretAccessKey: string; sessionToken?: string }, maxAttempts = 1) =>
  new STSClient({ region: 'us-east-1', endpoint: sim.endpoint, credentials: key, maxAttempts })

describe('AWS simulator core', () => {
  test('verifies a real SDK signature and answers GetCallerIdentity', async () => {
    const out = await sts(user).send(new GetCallerIdentityCommand({}))
    expect(out).toMatchObject({ Account: '123456789012', Arn: 'arn:aws:iam::123456789012:user/alice', UserId: user.userId })
  })

  test('rejects a wrong secret with SignatureDoesNotMatch', async () => {
    await expect(sts({ accessKeyId: user.accessKeyId, secretAccessKey: 'wrong' }).send(new GetCallerIdentityCommand({}))).rejects.toMatchObject({ name: 'SignatureDoesNotMatch' })
  })

  test('rejects an unknown key with InvalidClientTokenId', async () => {
    await expect(sts({ accessKeyId: 'AKIAUNKNOWN', secretAccessKey: 'x' }).send(new GetCallerIdentityCommand({}))).rejects.toMatchObject({ name: 'InvalidClientTokenId' })
  })

  test('rejects unsigned calls to operations that need a signature', async () => {
    const res = await fetch(`${sim.endpoint}/?Action=GetCallerIdentity&Version=2011-06-15`)
    expect(res.status).toBe(403)
    expect(await res.text()).toContain('<Code>MissingAuthenticationToken</Code>')
  })

  test('injects throttling N times, then answers; the SDK retries it', async () => {
    sim.faults.add({ kind: 'throttle', service: 'sts', action: 'GetCallerIdentity', times: 2 })
    const out = await sts(user, 3).send(new GetCallerIdentityCommand({}))
    expect(out.Account).toBe('123456789012')
    expect(sim.faults.hits.filter((h) => h.kind === 'throttle')).toHaveLength(2)
  })

  test('injects a bad signature and a 5xx', async () => {
    sim.faults.add({ kind: 'bad-signature', service: 'sts' })
    await expect(sts(user).send(new GetCallerIdentityCommand({}))).rejects.toMatchObject({ name: 'SignatureDoesNotMatch' })
    sim.faults.add({ kind: '5xx', service: 'sts' })
    await expect(sts(user).send(new GetCallerIdentityCommand({}))).rejects.toMatchObject({ $metadata: { httpStatusCode: 503 } })
  })

  test('routes a registered json service by credential scope and renders its errors', async () => {
    sim.register('demo', (req) => {
      if (req.action === 'Fail') throw new AwsError('ResourceNotFoundException', 'nope', 400)
      return jsonResponse({ got: req.json, caller: req.caller?.arn }, 200, 'json')
    }, { protocol: 'json' })
    const { SignatureV4 } = await import('@smithy/signature-v4')
    const { Hash } = await import('@smithy/hash-node')
    const signer = new SignatureV4({ service: 'demo', region: 'eu-west-1', credentials: user, sha256: Hash.bind(null, 'sha256') })
    const call = async (op: string) => {
      const url = new URL(sim.endpoint)
      const signed = await signer.sign({ method: 'POST', protocol: 'http:', hostname: url.hostname, port: Number(url.port), path: '/', query: {},
        headers: { host: url.host, 'content-type': 'application/x-amz-json-1.1', 'x-amz-target': `Demo_20240101.${op}` }, body: '{"a":1}' } as never)
      return fetch(sim.endpoint + '/', { method: 'POST', headers: (signed as unknown as { headers: Record<string, string> }).headers, body: '{"a":1}' })
    }
    const ok = await call('Echo')
    expect(await ok.json()).toEqual({ got: { a: 1 }, caller: user.arn })
    const bad = await call('Fail')
    expect(bad.status).toBe(400)
    expect(await bad.json()).toEqual({ __type: 'ResourceNotFoundException', message: 'nope' })
  })
})
