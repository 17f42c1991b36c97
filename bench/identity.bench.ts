/**
 * Identity figures against the loopback simulators: GitHub OIDC token -> STS credentials
 * (in-process, and the whole aws-credentials bundle as the runner runs it) beside awscli doing
 * the same AssumeRoleWithWebIdentity; EKS tokens per second in-process, through the bundled
 * exec plugin (what kubectl pays per refresh), and with `aws eks get-token`.
 */
import { execFile } from 'node:child_process'
import { existsSync, mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { promisify } from 'node:util'
import { assumeRoleWithWebIdentity, createEksToken, fetchIdToken } from '../packages/aws/src/index.js'
import { createIdentityWorld, runAction } from '../packages/testkit/src/index.js'
import { timeMedian, type Bench, type Figure } from './harness.js'

const exec = promisify(execFile)
const root = join(dirname(fileURLToPath(import.meta.url)), '..')
const AWSCLI = ['/usr/bin/aws', '/root/.pyenv/shims/aws'].find((p) => existsSync(p))

async function perSecond(fn: () => Promise<unknown>, windowMs: number): Promise<number> {
  let n = 0
  const start = Date.now()
  while (Date.now() - start < windowMs) {
    await fn()
    n++
  }
  return (n * 1000) / (Date.now() - start)
}

const bench: Bench = {
  name: 'identity',
  async run() {
    const w = await createIdentityWorld()
    const figures: Figure[] = []
    const home = mkdtempSync(join(tmpdir(), 'bench-aws-'))
    const cliEnv = { PATH: process.env.PATH ?? '', HOME: home, AWS_CONFIG_FILE: join(home, 'c'), AWS_SHARED_CREDENTIALS_FILE: join(home, 'k'), AWS_EC2_METADATA_DISABLED: 'true', PYENV_ROOT: process.env.PYENV_ROOT ?? '' }
    try {
      const oidcEnv = w.oidc.env()
      const inProcess = await timeMedian(async () => {
        const token = await fetchIdToken({ requestUrl: oidcEnv.ACTIONS_ID_TOKEN_REQUEST_URL, requestToken: oidcEnv.ACTIONS_ID_TOKEN_REQUEST_TOKEN, audience: 'sts.amazonaws.com' })
        await assumeRoleWithWebIdentity({ roleArn: w.role.arn, region: 'us-east-1', sessionName: 'bench', webIdentityToken: token, endpoint: w.sim.endpoint })
      }, 15, 2)
      let cliMs: number | undefined
      if (AWSCLI) {
        cliMs = await timeMedian(async () => {
          const token = await w.oidc.mint()
          await exec(AWSCLI, ['sts', 'assume-role-with-web-identity', '--role-arn', w.role.arn, '--role-session-name', 'bench', '--web-identity-token', token, '--region', 'us-east-1', '--endpoint-url', w.sim.endpoint], { env: cliEnv })
        }, 5, 1)
      }
      figures.push({ label: 'OIDC token -> STS credentials, in-process (fetch + AssumeRoleWithWebIdentity)', value: Math.round(inProcess * 10) / 10, unit: 'ms', ...(cliMs ? { baseline: { label: `${AWSCLI} sts assume-role-with-web-identity (token given)`, value: Math.round(cliMs) } } : {}) })
      const actionDir = join(root, 'actions/aws-credentials')
      if (existsSync(join(actionDir, 'dist/index.js'))) {
        const action = await timeMedian(() => runAction({ actionDir, inputs: { 'role-to-assume': w.role.arn, 'aws-region': 'us-east-1' }, env: w.env() }), 5, 1)
        figures.push({ label: 'aws-credentials action, whole step (node start, OIDC, STS, exports)', value: Math.round(action), unit: 'ms', note: 'runner harness over the built dist/' })
      }

      const session = w.sim.issueSession({ role: w.role, sessionName: 'bench', durationSeconds: 3600 })
      const perSec = await perSecond(() => createEksToken({ clusterName: 'gpu-prod', region: 'us-east-1', credentials: session }), 1500)
      const keyEnv = { AWS_ACCESS_KEY_ID: session.accessKeyId, AWS_SECRET_ACCESS_KEY: session.secretAccessKey, AWS_SESSION_TOKEN: session.sessionToken ?? '' }
      let cliPerSec: number | undefined
      if (AWSCLI) cliPerSec = await perSecond(() => exec(AWSCLI, ['eks', 'get-token', '--cluster-name', 'gpu-prod', '--region', 'us-east-1'], { env: { ...cliEnv, ...keyEnv } }), 4000)
      figures.push({ label: 'EKS tokens per second, in-process', value: Math.round(perSec), unit: 'tokens/s', ...(cliPerSec ? { baseline: { label: 'aws eks get-token', value: Math.round(cliPerSec * 100) / 100 } } : {}) })
      const plugin = join(root, 'actions/eks-kubeconfig/dist/token/index.js')
      if (existsSync(plugin)) {
        const pluginMs = await timeMedian(() => exec(process.execPath, [plugin, '--cluster-name', 'gpu-prod', '--region', 'us-east-1'], { env: { PATH: cliEnv.PATH, ...keyEnv } }), 7, 1)
        figures.push({ label: 'EKS token through the bundled exec plugin (one kubectl refresh)', value: Math.round(pluginMs), unit: 'ms', ...(cliPerSec ? { baseline: { label: 'aws eks get-token', value: Math.round(1000 / cliPerSec) } } : {}) })
      }
      return figures
    } finally {
      await w.close()
    }
  }
}

export default bench
