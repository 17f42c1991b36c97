import { GpushipError, type InputReader, type Logger } from '@gpuship/core'
import { DEFAULT_RELEASES_URL } from './install.js'
import type { RootOptions } from './root-session.js'

/**
 * The inputs the three terraform actions share, read through core's InputReader so every bad
 * value is an error naming the input. Each action's inputs.ts calls this and adds its own.
 */
export interface RootInputs {
  'working-directory': string
  'terraform-version'?: string
  'terraform-download-url': string
  'backend-config': string[]
  'var-file': string[]
  variables?: string
  workspace: string
  'lock-timeout': number
  parallelism?: number
  label: string
  'github-token': string
  'unlock-stale': boolean
  'plan-dir': string
  'comment-author': string
}

export function readRootInputs(r: InputReader, get: (name: string) => string, env: NodeJS.ProcessEnv = process.env): RootInputs {
  const workspace = r.string('workspace', { default: 'default', pattern: /^[A-Za-z0-9_.-]{1,90}$/, expected: 'a workspace name of letters, digits, "_", "-" or "." (e.g. prod)' })
  const url = r.string('terraform-download-url', { default: DEFAULT_RELEASES_URL })
  if (!/^https?:\/\//.test(url)) throw new GpushipError(`Invalid terraform-download-url '${url}'. Expected an http(s) URL of a releases mirror.`, { input: 'terraform-download-url', hint: `Use ${DEFAULT_RELEASES_URL} or a mirror laid out the same way (<url>/<version>/terraform_<version>_SHA256SUMS).` })
  const version = r.optionalString('terraform-version')
  if (version && !/^\d+\.\d+\.\d+(-[A-Za-z0-9.]+)?$/.test(version)) {
    throw new GpushipError(`Invalid terraform-version '${version}'. Expected an exact version such as 1.11.4.`, { input: 'terraform-version', hint: 'Pin an exact release: terraform-version: 1.11.4 (ranges are not resolved, so a run is repeatable).' })
  }
  const variables = get('variables')
  return {
    'working-directory': r.string('working-directory', { default: '.' }),
    'terraform-version': version,
    'terraform-download-url': url,
    'backend-config': r.list('backend-config'),
    'var-file': r.list('var-file'),
    variables: variables.trim() ? variables : undefined,
    workspace,
    'lock-timeout': r.duration('lock-timeout', { default: '5m', maxMs: 6 * 3600_000 }),
    parallelism: r.optionalInteger('parallelism', { min: 1, max: 256 }),
    label: r.string('label', { default: '' }),
    'github-token': r.string('github-token', { default: '' }),
    'unlock-stale': r.boolean('unlock-stale', { default: false }),
    'plan-dir': planDir(r.string('plan-dir', { default: '' }), env),
    'comment-author': r.string('comment-author', { default: 'github-actions[bot]' })
  }
}

function planDir(given: string, env: NodeJS.ProcessEnv): string {
  if (given) return given
  // Outside a runner there is no RUNNER_TEMP; writing plans (which hold secrets) into the current folder would be a surprise.
  if (!env.RUNNER_TEMP) throw new GpushipError('No plan-dir and no RUNNER_TEMP: there is nowhere safe to keep the plan files.', { input: 'plan-dir', hint: 'Run inside GitHub Actions, or set plan-dir to a private folder, e.g. plan-dir: /tmp/gpuship-plans' })
  return `${env.RUNNER_TEMP}/gpuship-terraform`
}

/** The shared inputs as openRoot takes them, so the three actions open a root the same way. */
export function rootOptions(i: RootInputs, log: Logger): RootOptions {
  return {
    workingDirectory: i['working-directory'],
    terraformVersion: i['terraform-version'],
    downloadUrl: i['terraform-download-url'],
    backendConfig: i['backend-config'],
    varFiles: i['var-file'],
    variables: i.variables,
    workspace: i.workspace,
    lockTimeoutMs: i['lock-timeout'],
    parallelism: i.parallelism,
    label: i.label,
    log
  }
}
