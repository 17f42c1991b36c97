import { describe, test, expect, afterAll, beforeAll } from '@jest/globals'
import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { createAwsSimulator, createEksTokenVerifier, runAction, startKubeSimulator, type AwsSimulator, type KubeSimulator } from '@gpuship/testkit'
import { actionDir, IMG1 } from './fixture.js'

// cluster-name: the action mints EKS tokens in-process (refreshed before expiry) and the
// Kubernetes simulator checks each one as EKS does, through the AWS simulator's STS.
let aws: AwsSimulator
let kube: KubeSimulator
const rejected: string[] = []
beforeAll(async () => {
  aws = await createAwsSimulator({ services: ['sts', 'eks'] })
  kube = await startKubeSimulator({ authenticate: createEksTokenVerifier(aws, 'gpu-prod', { region: 'us-east-1', onReject: (r) => rejected.push(r) }) })
  kube.scenario.addNode({ name: 'cpu-1' })
})
afterAll(async () => {
  await kube.close()
  await aws.close()
})

describe('triton-rollout with cluster-name (in-process EKS tokens)', () => {
  test('every request carries an EKS token the cluster accepts; nothing secret leaks', async () => {
    const key = aws.createUser({ account: '123456789012', name: 'deployer' })
    const cluster = aws.createCluster({ name: 'gpu-prod', account: '123456789012', region: 'us-east-1', endpoint: kube.url, certificateAuthority: kube.caData })
    cluster.accessEntries.set(key.arn, { username: 'deployer', groups: ['system:masters'] })
    const dir = mkdtempSync(join(tmpdir(), 'eks-'))
    // the kubeconfig's own user has no valid token: only the minted ones can work
    writeFileSync(join(dir, 'config'), kube.kubeconfig({ token: 'not-a-valid-token' }))
    const r = await runAction({
      actionDir,
      inputs: {
        image: IMG1,
        namespace: 'inference',
        'gpus-per-pod': '0',
        gates: 'false',
        'cluster-name': 'gpu-prod',
        'aws-region': 'us-east-1',
        timeout: '30s'
      },
      env: { KUBECONFIG: join(dir, 'config'), AWS_ACCESS_KEY_ID: key.accessKeyId, AWS_SECRET_ACCESS_KEY: key.secretAccessKey },
      secrets: [key.secretAccessKey],
      timeoutMs: 60_000
    })
    expect(r.errors).toEqual([])
    expect(r.exitCode).toBe(0)
    expect(rejected).toEqual([])
    expect(r.masks.some((m) => m.startsWith('k8s-aws-v1.'))).toBe(true)
    expect(r.leaks).toEqual([])
    expect(kube.store.get('deployments', 'inference', 'triton')?.status.readyReplicas).toBe(1)
  })
})
