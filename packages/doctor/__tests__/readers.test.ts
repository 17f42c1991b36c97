import { describe, test, expect, afterAll } from '@jest/globals'
import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { chmodSync, mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import {
  collectEvidence,
  createKubeHttpReader,
  evaluate,
  parseFailOn,
  renderSummary,
  renderText,
  resolveKubeconfig,
  shouldFail,
  type AwsReader,
  type Finding,
  type Report
} from '../src/index.js'
import { parseAwsAuth } from '../src/kube-map.js'
import { healthyEvidence } from './evidence-fixture.js'

const kubeconfig = (user: Record<string, unknown>, server = 'https://127.0.0.1:6443') =>
  JSON.stringify({
    apiVersion: 'v1',
    kind: 'Config',
    'current-context': 'c',
    contexts: [{ name: 'c', context: { cluster: 'k', user: 'u' } }],
    clusters: [{ name: 'k', cluster: { server, 'insecure-skip-tls-verify': true } }],
    users: [{ name: 'u', user }]
  })

describe('kubeconfig', () => {
  test('static token, exec plugin (ExecCredential) and a missing context', async () => {
    expect(await resolveKubeconfig(kubeconfig({ token: 'abc' })).token?.()).toBe('abc')
    const dir = mkdtempSync(join(tmpdir(), 'kc-'))
    const plugin = join(dir, 'plugin.sh')
    writeFileSync(
      plugin,
      `#!/bin/sh\necho '{"kind":"ExecCredential","apiVersion":"client.authentication.k8s.io/v1beta1","status":{"token":"k8s-aws-v1.'"$CLUSTER"'"}}'\n`
    )
    chmodSync(plugin, 0o755)
    const t = resolveKubeconfig(
      kubeconfig({ exec: { apiVersion: 'client.authentication.k8s.io/v1beta1', command: plugin, env: [{ name: 'CLUSTER', value: 'gpu-prod' }] } })
    )
    expect(await t.token?.()).toBe('k8s-aws-v1.gpu-prod')
    expect(t.insecure).toBe(true)
    expect(() => resolveKubeconfig(kubeconfig({}), { context: 'other' })).toThrow(/no context "other"/)
  })
})

describe('Kubernetes reader over a loopback API speaking the list shapes', () => {
  const seen: string[] = []
  let server: Server
  afterAll(() => new Promise<void>((r) => server.close(() => r())))
  test('pages with continue, maps objects, reads a missing kind (404) as none, sends only GETs with the token', async () => {
    server = createServer((req, res) => {
      seen.push(`${req.method} ${req.url} ${req.headers.authorization}`)
      const url = new URL(req.url ?? '/', 'http://x')
      const send = (code: number, body: unknown) => {
        res.writeHead(code, { 'content-type': 'application/json' })
        res.end(JSON.stringify(body))
      }
      if (url.pathname === '/version') return send(200, { gitVersion: 'v1.32.4-eks' })
      if (url.pathname === '/api/v1/nodes') {
        const second = url.searchParams.get('continue') === 'p2'
        return send(200, {
          kind: 'NodeList',
          apiVersion: 'v1',
          metadata: second ? {} : { continue: 'p2' },
          items: [
            {
              metadata: { name: second ? 'n2' : 'n1', labels: {} },
              status: { conditions: [{ type: 'Ready', status: 'True' }], nodeInfo: { kubeletVersion: 'v1.32.4' }, allocatable: { 'nvidia.com/gpu': '4' } }
            }
          ]
        })
      }
      if (url.pathname === '/api/v1/namespaces/kube-system/configmaps/aws-auth')
        return send(200, { data: { mapRoles: '- rolearn: arn:aws:iam::1:role/n\n  groups: [system:nodes]\n' } })
      return send(404, { kind: 'Status', status: 'Failure', reason: 'NotFound', code: 404, message: 'the server could not find the requested resource' })
    })
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()))
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
    const r = createKubeHttpReader({ kubeconfig: kubeconfig({ token: 't0k' }, url) })
    expect(await r.version()).toBe('v1.32.4-eks')
    const nodes = await r.nodes()
    expect(nodes.map((n) => [n.name, n.ready, n.allocatable['nvidia.com/gpu']])).toEqual([
      ['n1', true, '4'],
      ['n2', true, '4']
    ])
    expect(await r.ingresses([])).toEqual([])
    expect(await r.awsAuth()).toEqual([{ rolearn: 'arn:aws:iam::1:role/n', username: undefined, groups: ['system:nodes'] }])
    r.close()
    expect(seen.every((s) => s.startsWith('GET ') && s.endsWith('Bearer t0k'))).toBe(true)
    expect(seen).toContain('GET /api/v1/nodes?limit=500&continue=p2 Bearer t0k')
  })
  test('aws-auth with malformed YAML maps nothing', () => expect(parseAwsAuth({ data: { mapRoles: '- rolearn: [unclosed' } })).toEqual([]))
})

describe('collector', () => {
  test('a denied read is recorded and costs only the evidence it carries', async () => {
    const e = healthyEvidence()
    const denied = Object.assign(new Error('User: arn:aws:iam::1:user/ci is not authorized to perform: ec2:DescribeSubnets'), { name: 'UnauthorizedOperation' })
    const aws: AwsReader = {
      region: 'us-east-1',
      describeCluster: async () => e.aws.cluster,
      listNodegroups: async () => ['gpu'],
      describeNodegroup: async () => e.aws.nodegroups[0],
      listAddons: async () => [],
      describeAddon: async () => e.aws.addons[0],
      listAccessEntries: async () => [e.aws.accessEntries![0].principalArn],
      describeAccessEntry: async () => e.aws.accessEntries![0],
      getRole: async (arn) => e.aws.roles[arn] ?? { arn, name: arn, exists: false, attachedPolicyArns: [] },
      listOidcProviders: async () => e.aws.oidcProviders!,
      describeSubnets: async () => Promise.reject(denied),
      describeRouteTables: async () => e.aws.routeTables,
      describeVpcAttributes: async () => e.aws.vpcAttributes!,
      describeVpcEndpoints: async () => [],
      describeClusterInstances: async () => e.aws.instances,
      describeSecurityGroups: async () => e.aws.securityGroups,
      describeNetworkInterfaces: async () => [],
      describeScalingActivities: async () => [],
      describeLoadBalancers: async () => [],
      authenticatorDenials: async () => []
    }
    const k = e.kube!
    const kube = {
      version: async () => 'v1.32',
      nodes: async () => k.nodes,
      pods: async () => k.pods,
      events: async () => k.events,
      workloads: async () => k.workloads,
      serviceAccounts: async () => [],
      ingresses: async () => [],
      services: async () => [],
      awsAuth: async () => undefined
    }
    const ev = await collectEvidence({ aws, kube, clusterName: 'gpu-prod', now: () => new Date('2026-12-04T19:00:00Z') })
    expect(ev.readErrors).toEqual([{ call: 'ec2:DescribeSubnets', error: expect.stringContaining('UnauthorizedOperation') }])
    expect(evaluate(ev).findings).toEqual([])
    expect(ev.calls).toEqual(expect.arrayContaining(['eks:DescribeCluster', 'iam:GetRole', 'k8s:LIST nodes']))
  })
})

describe('rendering and fail-on', () => {
  const finding = (over: Partial<Finding>): Finding => ({
    rule: 'access-denied',
    severity: 'error',
    resource: 'pod/x/<b>y</b>',
    message: 'User | **x** <script>alert(1)</script> @team',
    evidence: { message: '```\n</details><img src=x>' },
    fix: { text: 'Grant it.', command: 'aws iam put-role-policy ...' },
    runbook: 'docs/runbooks/access-denied.md',
    ...over
  })
  const report = (findings: Finding[]): Report => ({
    cluster: 'gpu-prod',
    region: 'us-east-1',
    readAt: 'now',
    inventory: { nodes: 2 },
    findings,
    counts: { error: findings.filter((f) => f.severity === 'error').length, warning: findings.filter((f) => f.severity === 'warning').length, info: 0 },
    rules: ['a'],
    readErrors: [],
    calls: []
  })
  test('summary table cells are escaped and the evidence cannot close its code block', () => {
    const md = renderSummary(report([finding({})]))
    const table = md.split('\n').filter((l) => l.startsWith('| 🔴'))[0]
    expect(table).toContain('&lt;script&gt;')
    expect(table).not.toContain('<script>')
    expect(table).toContain('@\u200bteam')
    expect(table.split(' | ')).toHaveLength(4)
    expect(md).toContain('````json')
    expect(md).toContain('<summary>access-denied · pod/x/&lt;b&gt;y&lt;/b&gt;</summary>')
  })
  test('text output strips terminal control sequences', () => expect(renderText(report([finding({ message: 'a\u001b[31mred\u0007' })]))).toContain('a[31mred'))
  test.each([
    ['error', [], false],
    ['error', ['warning'], false],
    ['error', ['error'], true],
    ['warning', ['warning'], true],
    ['never', ['error'], false]
  ] as const)('fail-on %s with %j -> %s', (on, sev, fail) => expect(shouldFail(report(sev.map((s) => finding({ severity: s }))), on)).toBe(fail))
  test('an invalid fail-on names the input', () => expect(() => parseFailOn('sometimes')).toThrow(/Invalid fail-on 'sometimes'/))
})
