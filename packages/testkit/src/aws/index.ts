import { startAwsServer, type AwsSimulator, type AwsSimulatorOptions } from './server.js'
import { SERVICES } from './services.js'

export * from './errors.js'
export * from './faults.js'
export * from './protocol.js'
export * from './sigv4.js'
export * from './state.js'
export type { AwsSimulator, AwsRequest, AwsHandler, ServiceOptions, CallRecord, AwsSimulatorOptions } from './server.js'
export type { IdentityApi } from './identities.js'
export type { ServicePlugin } from './services.js'

export interface CreateAwsSimulatorOptions extends AwsSimulatorOptions {
  /** Register only these services (default: every entry of services.ts). */
  services?: string[]
}

/** One loopback HTTP server answering every registered AWS service. Close it in afterAll. */
export async function createAwsSimulator(opts: CreateAwsSimulatorOptions = {}): Promise<AwsSimulator> {
  const sim = await startAwsServer(opts)
  for (const [name, load] of Object.entries(SERVICES)) {
    if (opts.services && !opts.services.includes(name)) continue
    ;(await load())(sim)
  }
  return sim
}
export * from './trust-policy.js'
export { STS_XMLNS } from './sts.js'
export { describeClusterShape } from './eks.js'
export { checkEksToken, createEksTokenVerifier, canonicalPrincipalArn, type EksIdentity, type EksTokenCheck } from './eks-token-verifier.js'
export * from './identity-fixture.js'
export * from './ecr-public.js'
export { tagResource, untagResource, taggedResources } from './tagging.js'
// The doctor's and teardown's slices of the simulated account, for seeding scenarios.
export { ec2World, type Ec2World, type Ec2NetworkInterface } from './ec2-state.js'
export { loadBalancers, loadBalancerTags, type LoadBalancer as SimLoadBalancer } from './elb.js'
export { eksClusterWorld, type Nodegroup } from './eks-nodegroups.js'
export { iamTags, attachedPolicies } from './iam.js'
export { logsWorld } from './logs.js'
