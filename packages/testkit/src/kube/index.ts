// Kubernetes API simulator (see README.md): loopback HTTPS, kubectl-compatible discovery, controllers.
export {
  startKubeSimulator,
  type KubeSimulator,
  type KubeSimulatorOptions,
  type KubeconfigOptions,
  type RequestFault,
  type RequestRecord
} from './simulator.js'
export { rbacAuthorizer, type Identity, type RbacRule, type Authorizer, type Attributes } from './api-handler.js'
export type { Scenario, NodeSpec } from './scenario.js'
export type { PodBackend, ImageExists, Timing, CrashFault } from './cluster.js'
export type { KObject } from './store.js'
