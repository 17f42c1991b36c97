import { randomBytes } from 'node:crypto'
import { formatDuration } from './duration.js'

/**
 * What packages log through. Actions pass an adapter over @actions/core; the CLI and tests
 * pass consoleLogger or a recorder. Packages never import @actions/core themselves.
 */
export interface Logger {
  debug(message: string): void
  info(message: string): void
  warning(message: string): void
  error(message: string): void
  startGroup(name: string): void
  endGroup(): void
}

export const silentLogger: Logger = {
  debug() {},
  info() {},
  warning() {},
  error() {},
  startGroup() {},
  endGroup() {}
}

export function consoleLogger(opts: { debug?: boolean; stream?: NodeJS.WritableStream } = {}): Logger {
  const out = opts.stream ?? process.stderr
  let depth = 0
  const w = (prefix: string, m: string) => out.write(`${'  '.repeat(depth)}${prefix}${m}\n`)
  return {
    debug: (m) => (opts.debug ? w('debug: ', m) : undefined),
    info: (m) => w('', m),
    warning: (m) => w('warning: ', m),
    error: (m) => w('error: ', m),
    startGroup: (n) => {
      w('▸ ', n)
      depth++
    },
    endGroup: () => {
      depth = Math.max(0, depth - 1)
    }
  }
}

/** Runs `fn` inside a log group whose closing line carries the phase's duration. */
export async function group<T>(log: Logger, name: string, fn: () => Promise<T>, now: () => number = Date.now): Promise<T> {
  const started = now()
  log.startGroup(name)
  try {
    return await fn()
  } finally {
    log.info(`${name}: ${formatDuration(now() - started)}`)
    log.endGroup()
  }
}

/**
 * Writes raw tool output (terraform, kubectl, pod logs) so that nothing in it can act as a
 * workflow command: the runner ignores commands between ::stop-commands::TOKEN and ::TOKEN::,
 * and the token is random so the text cannot guess it.
 */
export function writeUntrusted(write: (text: string) => void, text: string): void {
  const token = randomBytes(16).toString('hex')
  write(`::stop-commands::${token}\n`)
  write(text.endsWith('\n') ? text : `${text}\n`)
  write(`::${token}::\n`)
}

/** Escapes a value for the data part of a workflow command (`::error::DATA`). */
export function escapeCommandData(text: string): string {
  return text.replace(/%/g, '%25').replace(/\r/g, '%0D').replace(/\n/g, '%0A')
}

/** Escapes a workflow-command property value (`::error file=VALUE::`). */
export function escapeCommandProperty(text: string): string {
  return escapeCommandData(text).replace(/:/g, '%3A').replace(/,/g, '%2C')
}

/** Logs progress no more often than every `everyMs` (waits log at least every 15 s by convention). */
export function progressTicker(log: Logger, everyMs = 15_000, now: () => number = Date.now): (message: string, force?: boolean) => void {
  let last = Number.NEGATIVE_INFINITY
  return (message, force = false) => {
    const t = now()
    if (force || t - last >= everyMs) {
      last = t
      log.info(message)
    }
  }
}
