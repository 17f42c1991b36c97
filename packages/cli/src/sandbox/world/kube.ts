/** The Kubernetes API server simulator with GPU nodes, and Triton / DCGM behind the pods. */
import type { Piece, WorldNames } from '../world.js'
import { unavailable } from '../world.js'
import type { Scenario } from '../scenarios.js'

type Testkit = Record<string, any>

export interface KubeHandle {
  sim: any
  /** A kubeconfig a person can use with kubectl (--serve). */
  kubeconfigPath: string
  close(): Promise<void>
}

export async function startKube(tk: Testkit, _names: WorldNames, _scenario: Scenario, _aws: Piece, _registry: Piece, _dir: string): Promise<Piece<KubeHandle>> {
  if (typeof tk.createKubeSimulator !== 'function') return unavailable('testkit/kube exports no Kubernetes API simulator yet') as Piece<KubeHandle>
  return unavailable('testkit/kube landed after this sandbox build was written') as Piece<KubeHandle>
}
