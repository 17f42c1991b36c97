import type { Logger } from './log.js'
import { formatError, isGpushipError } from './errors.js'

/**
 * The slice of @actions/core an action hands to packages. Packages never import
 * @actions/core; an action passes its `core` module here, so the same package code runs
 * under the runner, the CLI and tests.
 */
export interface CoreLike {
  debug(message: string): void
  info(message: string): void
  warning(message: string | Error): void
  error(message: string | Error): void
  startGroup(name: string): void
  endGroup(): void
  setFailed(message: string | Error): void
}

export function actionsLogger(core: CoreLike): Logger {
  return {
    debug: (m) => core.debug(m),
    info: (m) => core.info(m),
    warning: (m) => core.warning(m),
    error: (m) => core.error(m),
    startGroup: (n) => core.startGroup(n),
    endGroup: () => core.endGroup()
  }
}

/**
 * Ends an action on an error the way every gpuship action does: an ::error:: annotation with
 * the message and the fix. @actions/core escapes the command data itself (%, CR, LF), so the
 * text cannot start a workflow command of its own.
 */
export function failAction(core: CoreLike, err: unknown, redact: (s: string) => string = (s) => s): void {
  if (isGpushipError(err)) {
    const input = err.input ? ` (input: ${err.input})` : ''
    core.setFailed(redact(`${err.message}${input}${err.hint ? `\nFix: ${err.hint}` : ''}`))
    return
  }
  core.setFailed(redact(formatError(err)))
}
