import type { AwsRequest, AwsSimulator } from './server.js'
import { queryList, queryResponse, requireParam } from './protocol.js'
import { AwsError } from './errors.js'
import { evaluateTrust } from './trust-policy.js'
import { verifyWebIdentityToken } from './web-identity.js'
import type { AccessKey, Role } from './state.js'

export const STS_XMLNS = 'https://sts.amazonaws.com/doc/2011-06-15/'
const SESSION_NAME = /^[\w+=,.@-]{2,64}$/
const ROLE_ARN = /^arn:([a-z-]+):iam::(\d{12}):role\/(?:[\w+=,.@-]+\/)*([\w+=,.@-]{1,64})$/

function validationError(message: string): AwsError {
  return new AwsError('ValidationError', message, 400)
}

function sessionInputs(req: AwsRequest, sim: AwsSimulator): { role: Role; sessionName: string; duration: number } {
  const roleArn = requireParam(req.params, 'RoleArn')
  const sessionName = requireParam(req.params, 'RoleSessionName')
  if (!SESSION_NAME.test(sessionName)) {
    throw validationError(`1 validation error detected: Value '${sessionName}' at 'roleSessionName' failed to satisfy constraint: Member must satisfy regular expression pattern: [\\w+=,.@-]*`)
  }
  const m = ROLE_ARN.exec(roleArn)
  if (!m) throw validationError(`${roleArn} is invalid`)
  if (m[1] !== sim.state.partition) throw validationError(`Partition '${m[1]}' of ${roleArn} is not valid for this endpoint (partition '${sim.state.partition}')`)
  const duration = req.params.DurationSeconds === undefined ? 3600 : Number(req.params.DurationSeconds)
  if (!Number.isInteger(duration) || duration < 900 || duration > 43200) {
    throw validationError(`1 validation error detected: Value '${req.params.DurationSeconds}' at 'durationSeconds' failed to satisfy constraint: Member must have value between 900 and 43200`)
  }
  const policy = req.params.Policy
  if (policy !== undefined) {
    if (policy.length > 2048) throw new AwsError('PackedPolicyTooLarge', 'Packed size of the session policy exceeds the limit (2048 characters).', 400)
    try {
      JSON.parse(policy)
    } catch {
      throw new AwsError('MalformedPolicyDocument', 'The policy is not in the valid JSON format.', 400)
    }
  }
  const arns = queryList(req.params, 'PolicyArns', 'arn')
  if (arns.length > 10) throw validationError('Member must have length less than or equal to 10 at policyArns')
  const role = sim.state.roles.get(roleArn)
  if (!role) throw new AwsError('AccessDenied', `User is not authorized to perform: sts:AssumeRole on resource: ${roleArn}`, 403)
  if (duration > role.maxSessionDuration) {
    throw validationError('The requested DurationSeconds exceeds the MaxSessionDuration set for this role.')
  }
  return { role, sessionName, duration }
}

function credentialsXml(key: AccessKey) {
  return { AccessKeyId: key.accessKeyId, SecretAccessKey: key.secretAccessKey, SessionToken: key.sessionToken, Expiration: key.expiration }
}

async function assumeRoleWithWebIdentity(req: AwsRequest, sim: AwsSimulator) {
  const { role, sessionName, duration } = sessionInputs(req, sim)
  const token = requireParam(req.params, 'WebIdentityToken')
  const { claims, provider } = await verifyWebIdentityToken(sim, role.account, token)
  const context: Record<string, string | string[] | undefined> = {}
  for (const [k, v] of Object.entries(claims)) if (typeof v === 'string' || Array.isArray(v)) context[`${provider.host}:${k}`] = v as string | string[]
  context[`${provider.host}:oaud`] = claims.aud as string
  const decision = evaluateTrust(role.trustPolicy, { action: 'sts:AssumeRoleWithWebIdentity', federated: provider.arn, context })
  if (!decision.allowed) throw new AwsError('AccessDenied', 'Not authorized to perform sts:AssumeRoleWithWebIdentity', 403)
  const key = sim.issueSession({ role, sessionName, durationSeconds: duration })
  const aud = Array.isArray(claims.aud) ? claims.aud[0] : claims.aud
  return queryResponse('AssumeRoleWithWebIdentity', {
    Audience: aud,
    AssumedRoleUser: { AssumedRoleId: key.userId, Arn: key.arn },
    Provider: provider.host,
    Credentials: credentialsXml(key),
    SubjectFromWebIdentityToken: claims.sub as string
  }, STS_XMLNS)
}

function callerPrincipals(caller: AccessKey): string[] {
  const out = [caller.arn, `arn:${caller.arn.split(':')[1]}:iam::${caller.account}:root`]
  if (caller.assumedRoleArn) out.push(caller.assumedRoleArn)
  return out
}

function assumeRole(req: AwsRequest, sim: AwsSimulator) {
  const caller = req.caller!
  const { role, sessionName, duration } = sessionInputs(req, sim)
  if (caller.assumedRoleArn && duration > 3600) {
    throw validationError('The requested DurationSeconds exceeds the 1 hour session limit for roles assumed by role chaining.')
  }
  const decision = evaluateTrust(role.trustPolicy, {
    action: 'sts:AssumeRole',
    aws: callerPrincipals(caller),
    context: { 'aws:PrincipalArn': caller.assumedRoleArn ?? caller.arn, 'aws:PrincipalAccount': caller.account }
  })
  if (!decision.allowed) throw new AwsError('AccessDenied', `User: ${caller.arn} is not authorized to perform: sts:AssumeRole on resource: ${role.arn}`, 403)
  const key = sim.issueSession({ role, sessionName, durationSeconds: duration, chained: Boolean(caller.assumedRoleArn) })
  return queryResponse('AssumeRole', { AssumedRoleUser: { AssumedRoleId: key.userId, Arn: key.arn }, Credentials: credentialsXml(key) }, STS_XMLNS)
}

export function registerSts(sim: AwsSimulator): void {
  sim.register(
    'sts',
    async (req) => {
      switch (req.action) {
        case 'GetCallerIdentity': {
          const c = req.caller!
          return queryResponse('GetCallerIdentity', { UserId: c.userId, Account: c.account, Arn: c.arn }, STS_XMLNS)
        }
        case 'AssumeRoleWithWebIdentity':
          return assumeRoleWithWebIdentity(req, sim)
        case 'AssumeRole':
          return assumeRole(req, sim)
        default:
          throw new AwsError('InvalidAction', `Could not find operation ${req.action} for version 2011-06-15`, 400)
      }
    },
    { protocol: 'query', unsignedActions: ['AssumeRoleWithWebIdentity', 'AssumeRoleWithSAML'] }
  )
}
