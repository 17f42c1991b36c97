import type { AwsSimulator } from './server.js'
import { queryResponse } from './protocol.js'
import { AwsError } from './errors.js'

export const STS_XMLNS = 'https://sts.amazonaws.com/doc/2011-06-15/'

export function registerSts(sim: AwsSimulator): void {
  sim.register(
    'sts',
    (req) => {
      if (req.action === 'GetCallerIdentity') {
        const c = req.caller!
        return queryResponse('GetCallerIdentity', { UserId: c.userId, Account: c.account, Arn: c.arn }, STS_XMLNS)
      }
      throw new AwsError('InvalidAction', `Could not find operation ${req.action} for version 2011-06-15`, 400)
    },
    { protocol: 'query', unsignedActions: ['AssumeRoleWithWebIdentity', 'AssumeRoleWithSAML'] }
  )
}
