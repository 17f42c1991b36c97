import type { AwsSimulator } from './server.js'
import { AwsError } from './errors.js'
import { jsonResponse } from './protocol.js'
import { ext } from './state.js'
import { createEcrService, type EcrService } from './ecr-service.js'

/**
 * ECR plugged into the AWS simulator: awsJson1.1 under signing name `ecr`. Each account/region
 * gets its own repositories; images live in the real registry attached with attachEcrRegistry()
 * (GetAuthorizationToken hands out that registry's htpasswd credentials, proxyEndpoint its URL).
 */
interface EcrState {
  registry?: { registryUrl: string; username: string; password: string }
  services: Map<string, EcrService>
}

const state = (sim: AwsSimulator) => ext<EcrState>(sim.state, 'ecr', () => ({ services: new Map() }))

/** Points the simulated ECR of every account at a real registry (e.g. startRegistry() from testkit/oci). */
export function attachEcrRegistry(sim: AwsSimulator, registry: { url: string; username: string; password: string }): void {
  const s = state(sim)
  s.registry = { registryUrl: registry.url, username: registry.username, password: registry.password }
  for (const svc of s.services.values()) Object.assign(svc.options, s.registry)
}

/** The ECR of one account and region, for seeding repositories, findings and faults in tests. */
export function ecrService(sim: AwsSimulator, account = '123456789012', region = 'us-east-1'): EcrService {
  const s = state(sim)
  const key = `${account}/${region}`
  let svc = s.services.get(key)
  if (!svc) {
    svc = createEcrService({
      registryUrl: s.registry?.registryUrl ?? '',
      username: s.registry?.username ?? '',
      password: s.registry?.password ?? '',
      accountId: account,
      region,
      now: () => sim.now().getTime()
    })
    s.services.set(key, svc)
  }
  return svc
}

export function registerEcr(sim: AwsSimulator): void {
  sim.register(
    'ecr',
    async (req) => {
      const account = req.caller?.account
      if (!account) throw new AwsError('UnrecognizedClientException', 'The security token included in the request is invalid.', 400)
      const svc = ecrService(sim, account, req.region)
      if (!svc.options.registryUrl)
        throw new AwsError('ServerException', 'The ECR simulator has no registry: call attachEcrRegistry(sim, await startRegistry()) first.', 500)
      const out = await svc.handle(req.action, (req.json ?? {}) as Record<string, unknown>)
      if (out.status >= 400) {
        const b = out.body as { __type: string; message: string }
        throw new AwsError(b.__type, b.message, out.status)
      }
      return jsonResponse(out.body, 200, 'json')
    },
    { protocol: 'json' }
  )
}
