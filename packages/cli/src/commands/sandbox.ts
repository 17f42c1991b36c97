import type { Command } from '../command.js'
import { parseSandboxArgs, sandboxHelp } from '../sandbox/options.js'

const sandbox: Command = {
  name: 'sandbox',
  summary: 'Run the whole pipeline locally against simulators and a real registry',
  help: sandboxHelp(),
  async run(argv, io) {
    const opts = parseSandboxArgs(argv, io.cwd)
    const { runSandbox } = await import('../sandbox/run.js')
    return runSandbox(opts, io)
  }
}

export default sandbox
