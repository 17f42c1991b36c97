/**
 * GitHub's OIDC issuer and AWS (STS, EKS, ECR) from testkit, wired as an account would be after
 * terraform/modules/github_actions_oidc: the identity provider for GitHub's issuer and a deploy
 * role whose trust policy accepts this repository's tokens for the sts.amazonaws.com audience.
 */
import type { Piece, WorldNames } from '../world.js'
import { unavailable } from '../world.js'
import { missingExports } from '../availability.js'

type Testkit = typeof import('@gpuship/testkit')

export interface OidcHandle {
  issuer: import('@gpuship/testkit').OidcIssuer
  /** ACTIONS_ID_TOKEN_REQUEST_URL / _TOKEN for a job with id-token: write. */
  env: Record<string, string>
  /** Model the job a token describes (a pull request, an environment). */
  setContext(ctx: Record<string, unknown>): void
}

export async function startOidc(tk: Testkit, names: WorldNames): Promise<Piece<OidcHandle>> {
  const missing = missingExports(tk, ['createOidcIssuer'])
  if (missing.length) return unavailable(`testkit/oidc has no ${missing.join(', ')}`) as Piece<OidcHandle>
  const issuer = await tk.createOidcIssuer({ context: { repository: names.repository } })
  return {
    available: true,
    handle: {
      issuer,
      env: issuer.env(),
      setContext(ctx) {
        issuer.context = { ...issuer.context, ...ctx }
      }
    },
    describe: [`GitHub OIDC issuer   ${issuer.url} (tokens say iss=${issuer.issuer})`]
  }
}

export interface AwsHandle {
  sim: import('@gpuship/testkit').AwsSimulator
  /** AWS_ENDPOINT_URL and region, no credentials: the job gets those from aws-credentials. */
  env: Record<string, string>
}

export async function startAws(tk: Testkit, names: WorldNames, oidc: Piece<OidcHandle>): Promise<Piece<AwsHandle>> {
  const missing = missingExports(tk, ['createAwsSimulator'])
  if (missing.length) return unavailable(`testkit/aws has no ${missing.join(', ')}`) as Piece<AwsHandle>
  const sim = await tk.createAwsSimulator()
  if (oidc.handle) {
    const issuer = oidc.handle.issuer
    sim.addOidcProvider({ account: names.account, issuer: issuer.issuer, clientIds: ['sts.amazonaws.com'], jwksUri: issuer.jwksUri })
  }
  const host = 'token.actions.githubusercontent.com'
  sim.createRole({
    account: names.account,
    name: names.roleName,
    maxSessionDuration: 3600,
    trustPolicy: {
      Version: '2012-10-17',
      Statement: [
        {
          Effect: 'Allow',
          Principal: { Federated: `arn:aws:iam::${names.account}:oidc-provider/${host}` },
          Action: 'sts:AssumeRoleWithWebIdentity',
          Condition: { StringEquals: { [`${host}:aud`]: 'sts.amazonaws.com' }, StringLike: { [`${host}:sub`]: `repo:${names.repository}:*` } }
        }
      ]
    },
    policies: [{ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: '*', Resource: '*' }] }]
  })
  const env: Record<string, string> = { AWS_ENDPOINT_URL: sim.endpoint, AWS_REGION: names.region, AWS_DEFAULT_REGION: names.region, AWS_EC2_METADATA_DISABLED: 'true' }
  return {
    available: true,
    handle: { sim, env },
    describe: [`AWS (STS, EKS, ECR)  ${sim.endpoint}  e.g. AWS_ENDPOINT_URL=${sim.endpoint} aws sts get-caller-identity (with credentials from a step's env)`]
  }
}
