/**
 * Terminal progress for the sandbox: one line per step as it ends, a heartbeat while a long step
 * runs (the harness buffers the action's log until it exits), and the verdict. Plain text, no
 * colour codes, so it reads the same in a CI log and a terminal.
 */
export type StepStatus = 'passed' | 'failed' | 'skipped' | 'unavailable'

const MARK: Record<StepStatus, string> = { passed: 'ok  ', failed: 'FAIL', skipped: 'skip', unavailable: 'n/a ' }

export interface Progress {
  line(text: string): void
  step(index: number, total: number, id: string, action: string, status: StepStatus, note: string, ms?: number): void
  /** Prints "... still running <what> (15s)" every intervalMs until the returned stop() is called. */
  heartbeat(what: string, intervalMs?: number): () => void
}

export function createProgress(write: (text: string) => void): Progress {
  return {
    line: (text) => write(`${text}\n`),
    step(index, total, id, action, status, note, ms) {
      const time = ms === undefined ? '' : ` ${(ms / 1000).toFixed(1)}s`
      write(`  [${MARK[status]}] ${index}/${total} ${id.padEnd(10)} ${action.padEnd(16)}${time.padStart(7)}  ${note}\n`)
    },
    heartbeat(what, intervalMs = 15_000) {
      const started = Date.now()
      const timer = setInterval(() => write(`         ... still running ${what} (${Math.round((Date.now() - started) / 1000)}s)\n`), intervalMs)
      timer.unref()
      return () => clearInterval(timer)
    }
  }
}
