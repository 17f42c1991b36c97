import { GpushipError } from '@gpuship/core'
import { isRetryableAwsError } from '../identity/aws-errors.js'

interface SdkLike {
  name?: string
}

/** Turns an SDK error from operation `op` into a GpushipError with the fix for the common cases. */
export function ecrError(op: string, err: unknown, repository?: string): GpushipError {
  const e = (err ?? {}) as SdkLike & { message?: string }
  const name = e.name ?? 'Error'
  const msg = e.message ?? String(err)
  const where = repository ? ` for repository '${repository}'` : ''
  const hint =
    name === 'AccessDeniedException' || /not authorized/i.test(msg)
      ? `Allow ecr:${op} on the role this job assumes, e.g. in the github_actions_oidc Terraform module: actions = ["ecr:${op}"].`
      : name === 'RepositoryNotFoundException'
        ? 'Create it first (set create-repository: true) or fix the repository input.'
        : name === 'CredentialsProviderError' || /credential/i.test(name)
          ? 'Run the aws-credentials action before this step so AWS credentials are in the environment.'
          : isRetryableAwsError(err)
            ? 'ECR was unreachable or throttling after several attempts; re-run the job, and check the endpoint (AWS_ENDPOINT_URL_ECR) if one is set.'
            : undefined
  return new GpushipError(`ECR ${op}${where} failed: ${name}: ${msg}`, { hint, code: name, retryable: isRetryableAwsError(err), cause: err })
}
