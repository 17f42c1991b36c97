/**
 * The cluster: testkit's Kubernetes API server (loopback HTTPS, the real wire protocol), registered
 * in the AWS simulator as the EKS cluster (endpoint, CA, an access entry for the deploy role), so
 * eks-kubeconfig's in-process token is verified against STS exactly as EKS does. GPU nodes, the
 * NVIDIA device plugin and dcgm-exporter are set per scenario; the pods answer as Triton (KServe
 * v2) and as dcgm-exporter through testkit's simulators.
 */
import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import type { Piece, WorldNames } from '../world.js'
import { unavailable } from '../world.js'
import type { Scenario } from '../scenarios.js'
import { missingExports } from '../availability.js'
import type { AwsHandle } from './identity.js'

type Testkit = typeof import('@gpuship/testkit')
type KObject = import('@gpuship/testkit').KObject
type DcgmSimulator = import('@gpuship/testkit').DcgmSimulator
type TritonSimulator = import('@gpuship/testkit').TritonSimulator

export interface KubeHandle {
  sim: import('@gpuship/testkit').KubeSimulator
  /** dcgm-exporter simulators by node name (the xid scenario arms a fault on one). */
  dcgm: Map<string, DcgmSimulator>
  /** From now on every GPU reports XID `code` (the xid story's fault, armed when its rollout starts). */
  armXid(code: number): void
  /** An admin kubeconfig a person can use with kubectl (--serve). */
  kubeconfigPath: string
  close(): Promise<void>
}

export const GPU_NODE = 'ip-10-0-12-34.ec2.internal'

/** The doctor's named cluster world each sandbox story starts from (testkit/scenarios). */
const CLUSTER_WORLD: Record<Scenario['name'], string> = {
  healthy: 'healthy',
  xid: 'healthy',
  'plan-changed': 'healthy',
  'lock-held': 'healthy',
  'gpu-capacity': 'gpu-no-device-plugin',
  // The node role lost its access entry: GPU instances run but never register as nodes.
  'nodes-not-joining': 'node-role-no-access-entry',
  orphan: 'healthy',
  rebuild: 'healthy'
}

/**
 * Fills AWS and Kubernetes with one whole cluster: testkit's scenario world when this build has it
 * (node groups, add-ons, VPC, IAM, CNI trinity, device plugin: what the doctor reads), else a
 * minimal one (a CPU node and a GPU node). The rollout's own namespace starts empty.
 */
async function populate(tk: Testkit, sim: import('@gpuship/testkit').KubeSimulator, awsSim: import('@gpuship/testkit').AwsSimulator, names: WorldNames, scenario: Scenario): Promise<string> {
  if (missingExports(tk, ['scenarioWorld', 'applyAwsWorld', 'applyKubeWorld', 'settleKube']).length === 0) {
    const w = tk.scenarioWorld(CLUSTER_WORLD[scenario.name])
    names.cluster = w.aws.cluster.name
    w.kube.objects = w.kube.objects.filter((o) => o.obj.metadata?.namespace !== names.namespace || !['deployments', 'pods', 'replicasets'].includes(o.plural))
    w.kube.expectPending = w.kube.expectPending.filter((p) => !p.startsWith(`${names.namespace}/`))
    if (scenario.name === 'nodes-not-joining') w.kube.nodes = w.kube.nodes.filter((n) => !n.gpus)
    tk.applyAwsWorld(awsSim, w.aws, { endpoint: sim.url, caData: sim.caData })
    tk.applyKubeWorld(sim, w.kube)
    // dcgm-exporter on the GPU nodes, where the rollout's GPU gate reads it (namespace gpu-monitoring).
    sim.scenario.dcgmExporter(true)
    await tk.settleKube(sim, w.kube, 20_000)
    return `testkit world '${CLUSTER_WORLD[scenario.name]}': ${w.kube.nodes.map((n) => `${n.name}${n.gpus ? ` (${n.gpus} GPU)` : ''}`).join(', ')}${w.kube.devicePlugin ? '' : '; no NVIDIA device plugin'}`
  }
  awsSim.createCluster({ name: names.cluster, account: names.account, region: names.region, endpoint: sim.url, certificateAuthority: sim.caData })
  const s = sim.scenario
  s.addNode({ name: 'ip-10-0-1-10.ec2.internal', cpu: '4', memory: '16Gi', instanceType: 'm6i.xlarge' })
  if (scenario.name !== 'nodes-not-joining') s.addNode({ name: GPU_NODE, gpus: 1, instanceType: 'g5.xlarge', taints: [{ key: 'nvidia.com/gpu', value: 'true', effect: 'NoSchedule' }] })
  s.devicePlugin(scenario.name !== 'gpu-capacity')
  s.dcgmExporter(true)
  return scenario.name === 'nodes-not-joining' ? 'minimal: 1 CPU node, no GPU node joined' : `minimal: 1 CPU + 1 GPU node${scenario.name === 'gpu-capacity' ? ' (no device plugin: no nvidia.com/gpu)' : ''}`
}

function podBackends(tk: Testkit, dcgm: Map<string, DcgmSimulator>, xid: { code?: number }) {
  const tritons = new Map<string, TritonSimulator>()
  const tritonFor = (pod: KObject): TritonSimulator => {
    const key = `${pod.metadata.namespace}/${pod.metadata.name}`
    if (!tritons.has(key)) tritons.set(key, tk.createTritonSimulator({ models: ['add_sub'] }))
    return tritons.get(key) as TritonSimulator
  }
  return (pod: KObject, port: number) => {
    const image = String(pod.spec?.containers?.[0]?.image ?? '')
    if (port === 9400 && /dcgm-exporter/.test(image)) {
      const node = String(pod.spec?.nodeName ?? '')
      if (!dcgm.has(node)) {
        const exporter = tk.createDcgmExporterSimulator({ node, gpus: 1 })
        if (xid.code) exporter.faults.xid(0, xid.code)
        dcgm.set(node, exporter)
      }
      return (dcgm.get(node) as DcgmSimulator).handler
    }
    if (port === 8000 && !/dcgm-exporter|device-plugin/.test(image)) return tritonFor(pod).handler
    if (port === 8002 && !/dcgm-exporter|device-plugin/.test(image)) return tritonFor(pod).metricsHandler
    return undefined
  }
}

export async function startKube(tk: Testkit, names: WorldNames, scenario: Scenario, aws: Piece, dir: string): Promise<Piece<KubeHandle>> {
  const missing = missingExports(tk, ['startKubeSimulator', 'checkEksToken', 'createTritonSimulator', 'createDcgmExporterSimulator'])
  if (missing.length) return unavailable(`testkit has no ${missing.join(', ')}`) as Piece<KubeHandle>
  const awsSim = (aws.handle as AwsHandle | undefined)?.sim
  if (!awsSim) return unavailable('the AWS simulator is needed to register the EKS cluster') as Piece<KubeHandle>

  const dcgm = new Map<string, DcgmSimulator>()
  const xid: { code?: number } = {}
  // Looked up per request: the cluster's name is only final once the world is populated.
  const verify = async (token: string) => {
    const r = tk.checkEksToken(awsSim, names.cluster, token, names.region)
    return r.ok ? r.identity : null
  }
  let adminToken = ''
  const sim = await tk.startKubeSimulator({
    clusterName: names.cluster,
    podBackend: podBackends(tk, dcgm, xid),
    // Both the EKS token of the deploy role (what the actions send) and the simulator's admin token (kubectl after --serve).
    authenticate: async (token: string) =>
      token === adminToken ? { username: 'kubernetes-admin', groups: ['system:masters', 'system:authenticated'] } : await verify(token)
  })
  adminToken = sim.adminToken

  const described = await populate(tk, sim, awsSim, names, scenario)
  const cluster = awsSim.getCluster(names.region, names.cluster)
  if (!cluster) throw new Error(`the EKS cluster ${names.cluster} was not registered in the AWS simulator`)
  cluster.accessEntries.set(names.roleArn, { username: `${names.roleName}:{{SessionName}}`, groups: ['system:masters'] })
  sim.scenario.ensureNamespace(names.namespace)

  const kubeconfigPath = join(dir, 'kubeconfig')
  writeFileSync(kubeconfigPath, sim.kubeconfig({ token: adminToken, namespace: names.namespace }), { mode: 0o600 })
  return {
    available: true,
    handle: {
      sim,
      dcgm,
      kubeconfigPath,
      armXid(code) {
        xid.code = code
        for (const exporter of dcgm.values()) exporter.faults.xid(0, code)
      },
      close: () => sim.close()
    },
    describe: [`Kubernetes API       ${sim.url}  cluster ${names.cluster} (EKS in the AWS simulator): ${described}`]
  }
}
