import { spawn } from 'node:child_process'
import { GpushipError, writeUntrusted, type Logger, type Masker } from '@gpuship/core'

/**
 * Runs a CLI (buildah, docker) with an argument array (no shell), an optional stdin (where
 * passwords go: never on a command line, where `ps` and Docker's warning would show them), and
 * its output written to the log as untrusted text so a line in it cannot act as a workflow
 * command. Output is redacted by the masker before it reaches the log or an error.
 */
export interface ToolResult {
  code: number
  stdout: string
  stderr: string
}

export type ToolRunner = (
  file: string,
  args: string[],
  opts?: { stdin?: string; env?: NodeJS.ProcessEnv; cwd?: string; quiet?: boolean }
) => Promise<ToolResult>

export function createToolRunner(log: Logger, masker?: Masker): ToolRunner {
  const redact = (s: string) => (masker ? masker.redact(s) : s)
  return (file, args, opts = {}) =>
    new Promise((resolve, reject) => {
      const child = spawn(file, args, { cwd: opts.cwd, env: opts.env ?? process.env, stdio: ['pipe', 'pipe', 'pipe'] })
      let stdout = ''
      let stderr = ''
      const emit = (text: string) => {
        if (!opts.quiet && text.trim() !== '') writeUntrusted((t) => log.info(t.replace(/\n$/, '')), redact(text))
      }
      child.stdout.on('data', (d: Buffer) => {
        stdout += d.toString()
        emit(d.toString())
      })
      child.stderr.on('data', (d: Buffer) => {
        stderr += d.toString()
        emit(d.toString())
      })
      child.on('error', (e: NodeJS.ErrnoException) => {
        reject(
          e.code === 'ENOENT'
            ? new GpushipError(`${file} is not installed on this runner.`, {
                input: 'builder',
                hint:
                  file === 'buildah'
                    ? 'Install it (sudo apt-get install -y buildah) or set builder: docker.'
                    : 'Use a GitHub-hosted runner (docker buildx is preinstalled) or set builder: buildah.'
              })
            : e
        )
      })
      child.on('close', (code) => resolve({ code: code ?? 1, stdout: redact(stdout), stderr: redact(stderr) }))
      child.stdin.on('error', () => {})
      child.stdin.end(opts.stdin ?? '')
    })
}

/** The last meaningful lines of a failed tool, for the error message. */
export function tail(text: string, lines = 12): string {
  return text.trim().split('\n').slice(-lines).join('\n')
}

export async function mustSucceed(
  run: ToolRunner,
  what: string,
  file: string,
  args: string[],
  opts?: Parameters<ToolRunner>[2],
  hint?: string
): Promise<ToolResult> {
  const res = await run(file, args, opts)
  if (res.code !== 0) {
    throw new GpushipError(`${what} failed (${file} exited with ${res.code}):\n${tail(res.stderr || res.stdout)}`, { code: `${file}-exit-${res.code}`, hint })
  }
  return res
}
