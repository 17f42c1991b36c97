import type { AwsSimulator } from './server.js'

/**
 * Every simulated service. Each owner adds ONE line here for their file's plugin; a plugin calls
 * `sim.register(<signing name>, handler, { protocol })` and may seed `sim.state.ext[<service>]`.
 */
export type ServicePlugin = (sim: AwsSimulator) => void

export const SERVICES: Record<string, () => Promise<ServicePlugin>> = {
  sts: async () => (await import('./sts.js')).registerSts,
  eks: async () => (await import('./eks.js')).registerEks,
  ecr: async () => (await import('./ecr.js')).registerEcr,
  tagging: async () => (await import('./tagging.js')).registerTagging,
  ec2: async () => (await import('./ec2.js')).registerEc2,
  iam: async () => (await import('./iam.js')).registerIam,
  autoscaling: async () => (await import('./autoscaling.js')).registerAutoScaling,
  elasticloadbalancing: async () => (await import('./elb.js')).registerElb,
  'eks-nodegroups': async () => (await import('./eks-nodegroups.js')).registerEksNodegroups,
  logs: async () => (await import('./logs.js')).registerLogs
}
