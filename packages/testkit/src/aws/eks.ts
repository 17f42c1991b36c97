import type { AwsSimulator } from './server.js'
import { AwsError } from './errors.js'
import { jsonResponse } from './protocol.js'
import type { Cluster } from './state.js'

/** DescribeCluster's `cluster` object, with the fields kubeconfig writers and eksctl read. */
export function describeClusterShape(c: Cluster): Record<string, unknown> {
  return {
    name: c.name,
    arn: c.arn,
    createdAt: c.createdAt.getTime() / 1000,
    version: c.version,
    endpoint: c.status === 'CREATING' ? undefined : c.endpoint,
    roleArn: c.roleArn,
    resourcesVpcConfig: { subnetIds: ['subnet-0a1b2c3d4e5f60718'], securityGroupIds: [], clusterSecurityGroupId: 'sg-0123456789abcdef0', vpcId: 'vpc-0123456789abcdef0', endpointPublicAccess: true, endpointPrivateAccess: true, publicAccessCidrs: ['0.0.0.0/0'] },
    kubernetesNetworkConfig: { serviceIpv4Cidr: '172.20.0.0/16', ipFamily: 'ipv4' },
    logging: { clusterLogging: [{ types: ['api', 'audit', 'authenticator', 'controllerManager', 'scheduler'], enabled: false }] },
    identity: { oidc: { issuer: c.oidcIssuer ?? `https://oidc.eks.${c.region}.amazonaws.com/id/${c.endpoint.slice(8, 40)}` } },
    status: c.status,
    certificateAuthority: c.status === 'CREATING' ? {} : { data: c.certificateAuthority },
    platformVersion: c.platformVersion,
    tags: c.tags,
    accessConfig: { authenticationMode: 'API_AND_CONFIG_MAP' }
  }
}

export function registerEks(sim: AwsSimulator): void {
  sim.register(
    'eks',
    (req) => {
      const m = /^\/clusters\/([^/]+)$/.exec(req.path)
      if (req.method === 'GET' && m) {
        const cluster = sim.getCluster(req.region, m[1])
        if (!cluster || cluster.account !== req.caller?.account) throw new AwsError('ResourceNotFoundException', `No cluster found for name: ${m[1]}.`, 404)
        return jsonResponse({ cluster: describeClusterShape(cluster) })
      }
      if (req.method === 'GET' && req.path === '/clusters') {
        const names = [...sim.state.clusters.values()].filter((c) => c.region === req.region && c.account === req.caller?.account).map((c) => c.name)
        return jsonResponse({ clusters: names })
      }
      throw new AwsError('NotFoundException', `The simulator does not implement ${req.action}`, 404)
    },
    { protocol: 'rest-json' }
  )
}
