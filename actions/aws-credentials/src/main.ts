import * as core from '@actions/core'
import { readFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { actionsLogger, createMasker, failAction, GpushipError, group, inlineCode, table, type Logger } from '@gpuship/core'
import { assumeRoleChained, assumeRoleWithWebIdentity, fetchIdToken, writeWebIdentityTokenFile, type AssumedRole, type RunnerContext } from '@gpuship/aws'
import type { Inputs } from './inputs.js'

function runnerContext(env: NodeJS.ProcessEnv): RunnerContext {
  const ctx: RunnerContext = { eventName: env.GITHUB_EVENT_NAME, repository: env.GITHUB_REPOSITORY }
  try {
    if (env.GITHUB_EVENT_PATH) {
      const event = JSON.parse(readFileSync(env.GITHUB_EVENT_PATH, 'utf8')) as { pull_request?: { head?: { repo?: { full_name?: string; fork?: boolean } } } }
      ctx.headRepository = event.pull_request?.head?.repo?.full_name
      ctx.headIsFork = event.pull_request?.head?.repo?.fork
    }
  } catch {
    // An unreadable event only loses the fork diagnosis, never the credentials.
  }
  return ctx
}

async function assume(inputs: Inputs, log: Logger, mask: (v: string) => void, redact: (s: string) => string): Promise<{ role: AssumedRole; token?: string }> {
  const common = {
    roleArn: inputs['role-to-assume'],
    region: inputs['aws-region'],
    sessionName: inputs['role-session-name'],
    durationSeconds: inputs['role-duration-seconds'],
    inlineSessionPolicy: inputs['inline-session-policy'],
    managedSessionPolicies: inputs['managed-session-policies'],
    maxAttempts: inputs['retry-max-attempts'],
    log,
    onSecret: mask
  }
  if (inputs['role-chaining']) {
    const accessKeyId = process.env.AWS_ACCESS_KEY_ID
    const secretAccessKey = process.env.AWS_SECRET_ACCESS_KEY
    if (!accessKeyId || !secretAccessKey) {
      throw new GpushipError('role-chaining is true, but no AWS credentials are in the environment to chain from.', { input: 'role-chaining', hint: 'Run aws-credentials for the first role in an earlier step, then this step with role-chaining: true.' })
    }
    const role = await group(log, redact(`Assume ${inputs['role-to-assume']} (role chaining)`), () =>
      assumeRoleChained({ ...common, credentials: { accessKeyId, secretAccessKey, sessionToken: process.env.AWS_SESSION_TOKEN || undefined } })
    )
    return { role }
  }
  const token = await group(log, 'Get the GitHub OIDC token', () =>
    fetchIdToken({
      requestUrl: process.env.ACTIONS_ID_TOKEN_REQUEST_URL,
      requestToken: process.env.ACTIONS_ID_TOKEN_REQUEST_TOKEN,
      audience: inputs.audience,
      context: runnerContext(process.env),
      retry: { maxAttempts: inputs['retry-max-attempts'] },
      log
    })
  )
  mask(token)
  const role = await group(log, redact(`Assume ${inputs['role-to-assume']}`), () => assumeRoleWithWebIdentity({ ...common, webIdentityToken: token, audience: inputs.audience }))
  return { role, token }
}

export async function run(inputs: Inputs): Promise<void> {
  const masker = createMasker((v) => core.setSecret(v))
  const mask = (v: string) => masker.add(v)
  try {
    if (inputs['mask-aws-account-id']) mask(inputs['role-to-assume'].split(':')[4])
    for (const [k, v] of Object.entries(inputs)) if (k !== 'inline-session-policy') core.debug(masker.redact(`${k}: ${JSON.stringify(v)}`))
    const log = actionsLogger(core)
    const { role, token } = await assume(inputs, log, mask, (t) => masker.redact(t))
    const allowed = inputs['allowed-account-ids']
    if (allowed.length && !allowed.includes(role.accountId)) {
      throw new GpushipError(`The credentials belong to account ${inputs['mask-aws-account-id'] ? '***' : role.accountId}, which is not in allowed-account-ids (${allowed.join(', ')}); nothing was exported.`, {
        input: 'allowed-account-ids',
        hint: 'Check role-to-assume points at the intended account, or add the account to allowed-account-ids.'
      })
    }
    if (inputs['mask-aws-account-id']) mask(role.accountId)
    const c = role.credentials
    const region = inputs['aws-region']
    core.exportVariable('AWS_ACCESS_KEY_ID', c.accessKeyId)
    core.exportVariable('AWS_SECRET_ACCESS_KEY', c.secretAccessKey)
    core.exportVariable('AWS_SESSION_TOKEN', c.sessionToken)
    core.exportVariable('AWS_CREDENTIAL_EXPIRATION', c.expiration.toISOString())
    core.exportVariable('AWS_REGION', region)
    core.exportVariable('AWS_DEFAULT_REGION', region)
    if (inputs['role-chaining']) {
      // The first role's token file would let a refreshing tool silently fall back to the first
      // role; after chaining, nothing may re-assume anything but this session.
      for (const name of ['AWS_WEB_IDENTITY_TOKEN_FILE', 'AWS_ROLE_ARN', 'AWS_ROLE_SESSION_NAME']) if (process.env[name]) core.exportVariable(name, '')
    }
    if (token && inputs['export-web-identity-token-file']) {
      const file = writeWebIdentityTokenFile(process.env.RUNNER_TEMP || tmpdir(), token)
      core.saveState('token-file', file)
      core.exportVariable('AWS_WEB_IDENTITY_TOKEN_FILE', file)
      core.exportVariable('AWS_ROLE_ARN', role.roleArn)
      core.exportVariable('AWS_ROLE_SESSION_NAME', role.sessionName)
    }
    core.setOutput('aws-account-id', role.accountId)
    core.setOutput('assumed-role-arn', role.assumedRoleArn)
    core.setOutput('expiration', c.expiration.toISOString())
    if (inputs['output-credentials']) {
      core.setOutput('aws-access-key-id', c.accessKeyId)
      core.setOutput('aws-secret-access-key', c.secretAccessKey)
      core.setOutput('aws-session-token', c.sessionToken)
    }
    core.info(`Assumed ${masker.redact(role.assumedRoleArn)} until ${c.expiration.toISOString()}`)
    const summary = '### AWS credentials\n\n' + table(['', ''], [
        ['Role', inlineCode(masker.redact(role.roleArn))],
        ['Session', inlineCode(role.sessionName)],
        ['Via', inputs['role-chaining'] ? 'role chaining (AssumeRole)' : `GitHub OIDC (${inlineCode(role.subject ?? '')})`],
        ['Region', inlineCode(region)],
        ['Expires', c.expiration.toISOString()]
      ], { raw: true })
    await core.summary.addRaw(`${summary}\n`).write()
  } catch (err) {
    failAction(core, err, (s) => masker.redact(s))
  }
}
