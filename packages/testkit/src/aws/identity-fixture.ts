import { createOidcIssuer, type OidcIssuer, type OidcIssuerOptions } from '../oidc/index.js'
import { createAwsSimulator, type CreateAwsSimulatorOptions } from './index.js'
import type { AwsSimulator } from './server.js'
import type { Cluster, OidcProvider, PolicyDocument, Role } from './state.js'

/**
 * The usual world for identity tests: an OIDC issuer, the AWS simulator with GitHub's OIDC
 * provider registered in an account, a deploy role trusting `repo:octo-org/inference:*`, and a
 * cluster the role may enter.
 */
export interface IdentityWorld {
  sim: AwsSimulator
  oidc: OidcIssuer
  account: string
  provider: OidcProvider
  role: Role
  cluster: Cluster
  /** Runner env for a job with id-token: write, pointed at the simulator. */
  env(): Record<string, string>
  close(): Promise<void>
}

export function githubTrustPolicy(providerArn: string, sub: string | string[], aud = 'sts.amazonaws.com', op: 'StringLike' | 'StringEquals' = 'StringLike'): PolicyDocument {
  return {
    Version: '2012-10-17',
    Statement: [{
      Effect: 'Allow' as const,
      Principal: { Federated: providerArn },
      Action: 'sts:AssumeRoleWithWebIdentity',
      Condition: {
        StringEquals: { 'token.actions.githubusercontent.com:aud': aud },
        [op]: { 'token.actions.githubusercontent.com:sub': sub }
      }
    }]
  }
}

export async function createIdentityWorld(opts: { account?: string; sub?: string | string[]; maxSessionDuration?: number; region?: string; aws?: CreateAwsSimulatorOptions; oidc?: OidcIssuerOptions } = {}): Promise<IdentityWorld> {
  const sim = await createAwsSimulator(opts.aws)
  const oidc = await createOidcIssuer({ now: () => sim.now(), ...opts.oidc })
  const account = opts.account ?? '123456789012'
  const region = opts.region ?? 'us-east-1'
  const provider = sim.addOidcProvider({ account, issuer: oidc.issuer, clientIds: ['sts.amazonaws.com'], jwksUri: oidc.jwksUri })
  const role = sim.createRole({ account, name: 'gpuship-deploy', trustPolicy: githubTrustPolicy(provider.arn, opts.sub ?? 'repo:octo-org/inference:*'), maxSessionDuration: opts.maxSessionDuration ?? 3600 })
  const cluster = sim.createCluster({ account, name: 'gpu-prod', region })
  cluster.accessEntries.set(role.arn, { username: 'gpuship-deploy:{{SessionName}}', groups: ['gpuship:deployers'] })
  return {
    sim, oidc, account, provider, role, cluster,
    env: () => ({ ...oidc.env(), AWS_ENDPOINT_URL: sim.endpoint, AWS_EC2_METADATA_DISABLED: 'true' }),
    async close() {
      await Promise.all([sim.close(), oidc.close()])
    }
  }
}
