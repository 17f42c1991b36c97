import { randomBytes } from 'node:crypto'
import { awsId, secretKey, type AccessKey, type AwsState, type Cluster, type OidcProvider, type PolicyDocument, type Role } from './state.js'

/** Fixture builders on the shared state: users with keys, roles, OIDC providers, clusters. */
export interface IdentityApi {
  arn(service: string, region: string, account: string, resource: string): string
  createUser(opts: { account: string; name: string }): AccessKey
  createRole(opts: { account: string; name: string; trustPolicy: PolicyDocument; maxSessionDuration?: number; path?: string; policies?: PolicyDocument[] }): Role
  /** Session credentials for a role (what STS hands out); used by STS and by tests directly. */
  issueSession(opts: { role: Role; sessionName: string; durationSeconds: number; chained?: boolean; sourceIdentity?: string }): AccessKey
  addOidcProvider(opts: { account: string; issuer: string; clientIds: string[]; jwksUri: string }): OidcProvider
  createCluster(opts: Partial<Cluster> & { name: string; account: string; region?: string }): Cluster
  getCluster(region: string, name: string): Cluster | undefined
}

export function createIdentityApi(state: AwsState, now: () => Date): IdentityApi {
  const arn = (service: string, region: string, account: string, resource: string) => `arn:${state.partition}:${service}:${region}:${account}:${resource}`
  return {
    arn,
    createUser({ account, name }) {
      state.accounts.add(account)
      const key: AccessKey = {
        accessKeyId: awsId('AKIA'),
        secretAccessKey: secretKey(),
        arn: arn('iam', '', account, `user/${name}`),
        account,
        userId: awsId('AIDA', 21)
      }
      state.accessKeys.set(key.accessKeyId, key)
      return key
    },
    createRole({ account, name, trustPolicy, maxSessionDuration = 3600, path = '/', policies = [] }) {
      state.accounts.add(account)
      const role: Role = {
        arn: arn('iam', '', account, `role${path}${name}`),
        account,
        name,
        roleId: awsId('AROA', 21),
        path,
        trustPolicy,
        maxSessionDuration,
        createDate: now(),
        policies
      }
      state.roles.set(role.arn, role)
      return role
    },
    issueSession({ role, sessionName, durationSeconds, chained, sourceIdentity }) {
      const key: AccessKey = {
        accessKeyId: awsId('ASIA'),
        secretAccessKey: secretKey(),
        sessionToken: `IQoJb3JpZ2luX2VjE${randomBytes(96).toString('base64')}`,
        arn: `arn:${state.partition}:sts::${role.account}:assumed-role/${role.name}/${sessionName}`,
        account: role.account,
        userId: `${role.roleId}:${sessionName}`,
        expiration: new Date(Math.floor(now().getTime() / 1000) * 1000 + durationSeconds * 1000),
        assumedRoleArn: role.arn,
        sourceIdentity: chained ? 'chained' : sourceIdentity
      }
      state.accessKeys.set(key.accessKeyId, key)
      return key
    },
    addOidcProvider({ account, issuer, clientIds, jwksUri }) {
      state.accounts.add(account)
      const host = issuer.replace(/^https?:\/\//, '').replace(/\/$/, '')
      const provider: OidcProvider = { arn: arn('iam', '', account, `oidc-provider/${host}`), host, issuer, clientIds, jwksUri }
      state.oidcProviders.set(provider.arn, provider)
      return provider
    },
    createCluster(opts) {
      const region = opts.region ?? 'us-east-1'
      state.accounts.add(opts.account)
      const cluster: Cluster = {
        arn: arn('eks', region, opts.account, `cluster/${opts.name}`),
        region,
        endpoint: `https://${randomBytes(16).toString('hex').toUpperCase()}.gr7.${region}.eks.${state.dnsSuffix}`,
        certificateAuthority: Buffer.from('-----BEGIN CERTIFICATE-----\nMIIBsimulated\n-----END CERTIFICATE-----\n').toString('base64'),
        status: 'ACTIVE',
        version: '1.31',
        platformVersion: 'eks.12',
        roleArn: arn('iam', '', opts.account, `role/${opts.name}-cluster`),
        createdAt: now(),
        tags: {},
        accessEntries: new Map(),
        ...opts
      }
      state.clusters.set(`${region}/${opts.name}`, cluster)
      return cluster
    },
    getCluster(region, name) {
      return state.clusters.get(`${region}/${name}`)
    }
  }
}
