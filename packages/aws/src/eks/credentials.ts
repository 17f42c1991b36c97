import { GpushipError } from '@gpuship/core'
import { readFileSync } from 'node:fs'
import { assumeRoleWithWebIdentity, type AwsCredentials } from '../identity/assume-role.js'
import { fetchIdToken } from '../identity/oidc-token.js'

/**
 * Credentials for the kubectl exec plugin. The environment's session is used while it is
 * valid; once AWS_CREDENTIAL_EXPIRATION is near, the plugin re-assumes AWS_ROLE_ARN with a
 * fresh GitHub OIDC token (the runner's token endpoint is in the environment of every step of
 * a job with id-token: write) or the token file, so a rollout longer than the session works.
 */
export async function resolveCredentials(env: NodeJS.ProcessEnv, region: string, now = new Date(), onSecret?: (value: string) => void): Promise<AwsCredentials> {
  const expiry = env.AWS_CREDENTIAL_EXPIRATION ? new Date(env.AWS_CREDENTIAL_EXPIRATION) : undefined
  const fresh = !expiry || Number.isNaN(expiry.getTime()) || expiry.getTime() - now.getTime() > 2 * 60_000
  if (env.AWS_ACCESS_KEY_ID && env.AWS_SECRET_ACCESS_KEY && fresh) {
    return { accessKeyId: env.AWS_ACCESS_KEY_ID, secretAccessKey: env.AWS_SECRET_ACCESS_KEY, sessionToken: env.AWS_SESSION_TOKEN || undefined, expiration: expiry }
  }
  if (env.AWS_ROLE_ARN && (env.ACTIONS_ID_TOKEN_REQUEST_URL || env.AWS_WEB_IDENTITY_TOKEN_FILE)) {
    const audience = env.GPUSHIP_OIDC_AUDIENCE || 'sts.amazonaws.com'
    const token = env.ACTIONS_ID_TOKEN_REQUEST_URL
      ? await fetchIdToken({ requestUrl: env.ACTIONS_ID_TOKEN_REQUEST_URL, requestToken: env.ACTIONS_ID_TOKEN_REQUEST_TOKEN, audience, retry: { maxAttempts: 3 } })
      : readFileSync(env.AWS_WEB_IDENTITY_TOKEN_FILE!, 'utf8').trim()
    onSecret?.(token)
    const role = await assumeRoleWithWebIdentity({ roleArn: env.AWS_ROLE_ARN, region, sessionName: env.AWS_ROLE_SESSION_NAME || 'gpuship-eks-token', webIdentityToken: token, audience, maxAttempts: 4, onSecret })
    return role.credentials
  }
  const { fromNodeProviderChain } = await import('@aws-sdk/credential-providers')
  let chained: AwsCredentials
  try {
    chained = await fromNodeProviderChain()()
  } catch (err) {
    throw new GpushipError(`No AWS credentials for the EKS token: ${(err as Error).message}`, { cause: err, hint: 'Run the aws-credentials action earlier in the job, or set AWS_PROFILE / AWS_ACCESS_KEY_ID.' })
  }
  for (const v of [chained.secretAccessKey, chained.sessionToken]) if (v) onSecret?.(v)
  return chained
}
