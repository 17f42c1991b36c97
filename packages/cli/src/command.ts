import { GpushipError } from '@gpuship/core'

/** One `gpuship` subcommand. Each lives in commands/<name>.ts and is loaded only when run. */
export interface Command {
  name: string
  summary: string
  /** Full --help text: usage line, flags with defaults, an example. */
  help: string
  /** Gets the raw arguments after the command name (parse them with parseArgs); returns the exit code. */
  run(argv: string[], io: CommandIO): Promise<number>
}

export interface CommandIO {
  stdout: NodeJS.WritableStream
  stderr: NodeJS.WritableStream
  env: NodeJS.ProcessEnv
  cwd: string
}

export interface ParsedArgs {
  positionals: string[]
  flags: Record<string, string | boolean | string[]>
}

export interface FlagSpec {
  /** Flag names without dashes; `type: 'boolean'` flags take no value. */
  [name: string]: { type: 'string' | 'boolean' | 'list'; default?: string | boolean }
}

/**
 * Parses `--flag value`, `--flag=value`, boolean `--flag`, repeatable list flags, and
 * positionals. An unknown flag or a missing value is a GpushipError naming the flag.
 */
export function parseArgs(argv: string[], spec: FlagSpec, command: string): ParsedArgs {
  const flags: ParsedArgs['flags'] = {}
  const positionals: string[] = []
  for (const [name, s] of Object.entries(spec)) if (s.default !== undefined) flags[name] = s.default
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]
    if (a === '--') {
      positionals.push(...argv.slice(i + 1))
      break
    }
    if (!a.startsWith('--')) {
      positionals.push(a)
      continue
    }
    const eq = a.indexOf('=')
    const name = a.slice(2, eq > 0 ? eq : undefined)
    const s = spec[name]
    if (!s) {
      const known = Object.keys(spec).map((k) => `--${k}`).join(', ') || 'none'
      throw new GpushipError(`Unknown flag --${name} for "gpuship ${command}".`, { input: `--${name}`, hint: `Known flags: ${known}. Run "gpuship ${command} --help".` })
    }
    if (s.type === 'boolean') {
      if (eq > 0) {
        const v = a.slice(eq + 1)
        if (v !== 'true' && v !== 'false') throw new GpushipError(`Invalid --${name}=${v}: expected true or false.`, { input: `--${name}` })
        flags[name] = v === 'true'
      } else flags[name] = true
      continue
    }
    const value: string | undefined = eq > 0 ? a.slice(eq + 1) : argv[i + 1]
    if (eq < 0) {
      if (value === undefined || value.startsWith('--')) throw new GpushipError(`Flag --${name} needs a value.`, { input: `--${name}`, hint: `Run "gpuship ${command} --help".` })
      i++
    }
    if (s.type === 'list') flags[name] = [...((flags[name] as string[] | undefined) ?? []), value]
    else flags[name] = value
  }
  return { positionals, flags }
}
