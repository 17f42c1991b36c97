import type { AwsCredentials } from '../identity/assume-role.js'
import { createEksToken, type EksToken } from './eks-token.js'

/**
 * Hands out an EKS token and makes a new one before the old one runs out, so a long rollout
 * watch never sends an expired token. Credentials come from a function so they can refresh too.
 */
export interface EksTokenProvider {
  getToken(): Promise<string>
  /** The cached token's expiry (undefined before the first call). */
  readonly expiration: Date | undefined
}

export function createEksTokenProvider(o: {
  clusterName: string
  region: string
  credentials: AwsCredentials | (() => Promise<AwsCredentials>)
  /** Make a new token this long before expiry (default 60 s). */
  refreshBeforeMs?: number
  now?: () => Date
}): EksTokenProvider {
  const now = o.now ?? (() => new Date())
  const early = o.refreshBeforeMs ?? 60_000
  let current: EksToken | undefined
  let pending: Promise<EksToken> | undefined
  const mint = async () => {
    const credentials = typeof o.credentials === 'function' ? await o.credentials() : o.credentials
    return createEksToken({ clusterName: o.clusterName, region: o.region, credentials, now: now() })
  }
  return {
    get expiration() {
      return current?.expiration
    },
    async getToken() {
      if (current && current.expiration.getTime() - early > now().getTime()) return current.token
      // One refresh at a time: concurrent callers share it.
      pending ??= mint().finally(() => {
        pending = undefined
      })
      current = await pending
      return current.token
    }
  }
}
