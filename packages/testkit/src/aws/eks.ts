import type { AwsSimulator } from './server.js'
import { AwsError } from './errors.js'

export function registerEks(sim: AwsSimulator): void {
  sim.register(
    'eks',
    (req) => {
      throw new AwsError('NotFoundException', `No route for ${req.action}`, 404)
    },
    { protocol: 'rest-json' }
  )
}
