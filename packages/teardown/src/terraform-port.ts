import { spawn } from 'node:child_process'
import { join } from 'node:path'
import { tmpdir } from 'node:os'
import { randomBytes } from 'node:crypto'
import { GpushipError, writeUntrusted, type Logger } from '@gpuship/core'
import { createTerraformRunner, parsePlanJson, summarizePlan } from '@gpuship/terraform'
import type { TerraformTeardownPort } from './ports.js'

export interface TerraformPortOptions {
  workingDirectory: string
  binary?: string
  backendConfig?: string[]
  varFiles?: string[]
  lockTimeout?: string
  env?: Record<string, string>
  log: Logger
  write?: (text: string) => void
}

/**
 * Destroy through a saved destroy plan (`plan -destroy -out` then `apply PLAN`), under the same
 * state lock and lock timeout as apply, so what is destroyed is exactly what was planned and
 * logged. State commands run terraform directly with its output kept out of the log's commands.
 */
export function createTerraformTeardownPort(o: TerraformPortOptions): TerraformTeardownPort {
  const binary = o.binary ?? 'terraform'
  const write = o.write ?? ((t: string) => void process.stdout.write(t))
  const runner = createTerraformRunner({ binary, workingDirectory: o.workingDirectory, env: o.env, log: o.log, write })
  let initialised = false
  const init = async () => {
    if (initialised) return
    await runner.init({ backendConfig: o.backendConfig, lockTimeout: o.lockTimeout })
    initialised = true
  }

  async function state(args: string[]): Promise<string> {
    await init()
    const { code, stdout, stderr } = await exec(binary, ['state', ...args], o.workingDirectory, o.env)
    if (code !== 0) {
      writeUntrusted(write, stderr)
      throw new GpushipError(`terraform state ${args[0]} failed (exit ${code}) in ${o.workingDirectory}.`, { hint: 'See the terraform output above; a held lock means another run is using this state.' })
    }
    return stdout
  }

  return {
    async stateList() {
      return (await state(['list'])).split('\n').map((l) => l.trim()).filter(Boolean)
    },
    async stateRemove(addresses) {
      if (addresses.length) await state(['rm', `-lock-timeout=${o.lockTimeout ?? '300s'}`, ...addresses])
    },
    async destroy() {
      await init()
      const out = join(process.env.RUNNER_TEMP || tmpdir(), `gpuship-destroy-${randomBytes(4).toString('hex')}.tfplan`)
      const plan = await runner.plan({ out, destroy: true, varFiles: o.varFiles, lockTimeout: o.lockTimeout })
      if (!plan.changes) return { destroyed: 0 }
      const summary = summarizePlan(parsePlanJson(await runner.showJson(out), out))
      await runner.apply(out, { lockTimeout: o.lockTimeout })
      return { destroyed: summary.counts.destroy }
    }
  }
}

function exec(cmd: string, args: string[], cwd: string, env?: Record<string, string>): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { cwd, env: { ...process.env, TF_IN_AUTOMATION: '1', TF_INPUT: '0', ...env }, stdio: ['ignore', 'pipe', 'pipe'] })
    let stdout = ''
    let stderr = ''
    child.stdout.setEncoding('utf8').on('data', (d) => (stdout += d))
    child.stderr.setEncoding('utf8').on('data', (d) => (stderr += d))
    child.on('error', (err) =>
      reject(new GpushipError(`Could not run ${cmd}: ${err.message}.`, { input: 'terraform-version', hint: 'Install terraform on the runner (hashicorp/setup-terraform) or let terraform-plan install it first.' }))
    )
    child.on('close', (code) => resolve({ code: code ?? 1, stdout, stderr }))
  })
}
