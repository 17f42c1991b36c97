import * as core from '@actions/core'
import { rmSync } from 'node:fs'

/**
 * Blanks the AWS_* variables this action exported so later post steps (and a reused
 * self-hosted runner) do not inherit the session, and removes the token file.
 */
const EXPORTED = ['AWS_ACCESS_KEY_ID', 'AWS_SECRET_ACCESS_KEY', 'AWS_SESSION_TOKEN', 'AWS_CREDENTIAL_EXPIRATION', 'AWS_REGION', 'AWS_DEFAULT_REGION', 'AWS_WEB_IDENTITY_TOKEN_FILE', 'AWS_ROLE_ARN', 'AWS_ROLE_SESSION_NAME']

try {
  for (const name of EXPORTED) core.exportVariable(name, '')
  const file = core.getState('token-file')
  if (file) rmSync(file, { force: true })
  core.info('Cleared the AWS credentials this job exported.')
} catch (err) {
  core.warning(`Could not clear AWS credentials: ${(err as Error).message}`)
}
