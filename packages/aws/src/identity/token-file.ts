import { mkdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'

/**
 * Writes the ID token where SDKs' web-identity provider reads it. With AWS_WEB_IDENTITY_TOKEN_FILE
 * and AWS_ROLE_ARN exported, any SDK or awscli in a later step re-assumes the role by itself
 * when its credentials run out (while the token is valid), instead of failing mid-job.
 */
export function writeWebIdentityTokenFile(dir: string, token: string): string {
  mkdirSync(dir, { recursive: true, mode: 0o700 })
  const file = join(dir, `gpuship-web-identity-${process.pid}-${Date.now()}.jwt`)
  writeFileSync(file, token, { mode: 0o600 })
  return file
}
