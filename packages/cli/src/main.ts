import { formatError, isGpushipError } from '@gpuship/core'
import type { CommandIO } from './command.js'
import { COMMANDS, loadCommand } from './commands/index.js'

function usage(): string {
  const width = Math.max(...Object.keys(COMMANDS).map((n) => n.length))
  return [
    'Usage: gpuship <command> [flags]',
    '',
    'Commands:',
    ...Object.entries(COMMANDS).map(([n, s]) => `  ${n.padEnd(width)}  ${s}`),
    '',
    'Run "gpuship <command> --help" for the flags of one command.'
  ].join('\n')
}

export async function main(argv: string[], io: CommandIO): Promise<number> {
  const [name, ...rest] = argv
  if (!name || name === '--help' || name === '-h' || name === 'help') {
    io.stdout.write(`${usage()}\n`)
    return name ? 0 : 2
  }
  if (!(name in COMMANDS)) {
    io.stderr.write(`gpuship: unknown command "${name}".\n\n${usage()}\n`)
    return 2
  }
  const command = await loadCommand(name)
  if (rest.includes('--help') || rest.includes('-h')) {
    io.stdout.write(`${command.help}\n`)
    return 0
  }
  try {
    return await command.run(rest, io)
  } catch (err) {
    io.stderr.write(`gpuship ${name}: ${formatError(err)}\n`)
    return isGpushipError(err) && err.input ? 2 : 1
  }
}
