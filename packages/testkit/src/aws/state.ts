import { randomBytes } from 'node:crypto'

/**
 * The simulated AWS world shared by every service handler. Other owners keep their own
 * service's data under `ext[<service>]` (or add maps here in their files through ext) so one
 * account's IAM roles, clusters and keys are seen the same way by STS, EKS, ECR and IAM.
 */
export interface AccessKey {
  accessKeyId: string
  secretAccessKey: string
  sessionToken?: string
  /** ARN the key acts as: an IAM user, or an STS assumed-role ARN. */
  arn: string
  account: string
  /** `AIDA…` for users, `AROA…:session` for assumed roles, as GetCallerIdentity reports it. */
  userId: string
  expiration?: Date
  /** Set for credentials that came from AssumeRole*, for the 1 h role-chaining limit. */
  assumedRoleArn?: string
  /** The session that produced this one came from AssumeRole (chained) rather than a user key. */
  sourceIdentity?: string
}

export interface Role {
  arn: string
  account: string
  name: string
  roleId: string
  path: string
  trustPolicy: PolicyDocument
  /** Seconds, 3600..43200 (IAM's default is 3600). */
  maxSessionDuration: number
  createDate: Date
  /** Inline and managed permissions policies, for owners that check permissions. */
  policies: PolicyDocument[]
}

export interface PolicyStatement {
  Sid?: string
  Effect: 'Allow' | 'Deny'
  Principal?: '*' | { AWS?: string | string[]; Federated?: string | string[]; Service?: string | string[] }
  Action?: string | string[]
  Resource?: string | string[]
  Condition?: Record<string, Record<string, string | string[] | boolean>>
}

export interface PolicyDocument {
  Version?: string
  Statement: PolicyStatement[]
}

export interface OidcProvider {
  arn: string
  /** Issuer URL without scheme, as IAM keys it and as condition keys start (`token.actions.githubusercontent.com`). */
  host: string
  /** Full issuer URL (`iss` claim) the simulator's tokens carry. */
  issuer: string
  clientIds: string[]
  /** Where the JWKS is fetched from (the OIDC simulator's /.well-known/jwks). */
  jwksUri: string
}

export interface Cluster {
  name: string
  arn: string
  region: string
  account: string
  endpoint: string
  /** Base64 PEM, as DescribeCluster returns certificateAuthority.data. */
  certificateAuthority: string
  status: 'CREATING' | 'ACTIVE' | 'DELETING' | 'FAILED' | 'UPDATING' | 'PENDING'
  version: string
  platformVersion: string
  roleArn: string
  createdAt: Date
  tags: Record<string, string>
  /** Principal ARN -> Kubernetes username/groups (EKS access entries). */
  accessEntries: Map<string, { username: string; groups: string[] }>
  oidcIssuer?: string
}

export interface AwsState {
  partition: string
  /** DNS suffix of the partition's endpoints (`amazonaws.com`, `amazonaws.com.cn`). */
  dnsSuffix: string
  accounts: Set<string>
  accessKeys: Map<string, AccessKey>
  roles: Map<string, Role>
  oidcProviders: Map<string, OidcProvider>
  /** `${region}/${name}` -> cluster. */
  clusters: Map<string, Cluster>
  /** Other services' data, keyed by service name. */
  ext: Record<string, unknown>
}

export function createState(partition = 'aws'): AwsState {
  return {
    partition,
    dnsSuffix: partition === 'aws-cn' ? 'amazonaws.com.cn' : 'amazonaws.com',
    accounts: new Set(),
    accessKeys: new Map(),
    roles: new Map(),
    oidcProviders: new Map(),
    clusters: new Map(),
    ext: {}
  }
}

const ID_ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567'

/** AWS-shaped unique ids: `AKIA`/`ASIA` keys, `AROA` roles, `AIDA` users (20 chars, base32). */
export function awsId(prefix: string, length = 20): string {
  const bytes = randomBytes(length)
  let s = prefix
  for (let i = 0; s.length < length; i++) s += ID_ALPHABET[bytes[i] % 32]
  return s
}

export function secretKey(): string {
  return randomBytes(30).toString('base64').replace(/[+/=]/g, 'A').slice(0, 40)
}

/** The state's extension slot for one service, created on first use. */
export function ext<T>(state: AwsState, service: string, init: () => T): T {
  if (!(service in state.ext)) state.ext[service] = init()
  return state.ext[service] as T
}
