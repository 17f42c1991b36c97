import { readFileSync, statSync } from 'node:fs'
import { resolve } from 'node:path'
import { GpushipError } from '@gpuship/core'
import { parseArgs, type Command } from '../command.js'

/**
 * Offline GPU health: the same policy code as the gate, over scrapes a person saved from a
 * sick node (`curl -s node:9400/metrics > n1.prom`). Exit 0 healthy, 1 a GPU failed, 2 usage.
 */
const command: Command = {
  name: 'gpu-check',
  summary: 'Evaluate saved dcgm-exporter scrapes against the GPU health policy',
  help: [
    'Usage: gpuship gpu-check --metrics FILE [--metrics FILE...] [--policy FILE] [--under-load] [--json]',
    '',
    'Evaluates saved dcgm-exporter /metrics scrapes with the GPU gate policy: XID errors, double-bit',
    'ECC, row-remap failures, temperature, memory temperature, throttling, framebuffer use, and GPUs',
    'that vanish between scrapes. Each file is one sample of every node in it (nodes are told apart',
    'by the Hostname label), so give one file per node, or several files of one node as a window.',
    '',
    'Flags:',
    '  --metrics FILE   a saved scrape (repeatable; shell globs work: --metrics scrapes/*.prom)',
    '  --policy FILE    a GPU policy YAML (default: the built-in safe defaults, see docs/gates.md)',
    '  --under-load     the scrapes were taken while the GPUs served load: check utilisation too',
    '  --json           print the verdicts as JSON ({passed, inconclusive, gpus})',
    '',
    'Exit status: 0 every GPU passed (or inconclusive), 1 a GPU failed, 2 bad usage or unreadable input.',
    '',
    'Example:',
    '  curl -s http://gpu-node-7:9400/metrics > a.prom; sleep 10; curl -s http://gpu-node-7:9400/metrics > b.prom',
    '  gpuship gpu-check --metrics a.prom --metrics b.prom --policy gpu-policy.yaml'
  ].join('\n'),
  async run(argv, io) {
    const args = parseArgs(argv, { metrics: { type: 'list' }, policy: { type: 'string' }, json: { type: 'boolean', default: false }, 'under-load': { type: 'boolean', default: false } }, 'gpu-check')
    // a shell glob expands to `--metrics a b c`: the extra files arrive as positionals
    const files = [...((args.flags.metrics as string[] | undefined) ?? []), ...args.positionals]
    if (!files.length) throw new GpushipError('gpu-check needs at least one scrape file.', { input: '--metrics', hint: 'Save a scrape with `curl -s http://NODE:9400/metrics > node.prom`, then run `gpuship gpu-check --metrics node.prom`.' })
    const gates = await import('@gpuship/gates')
    const read = (flag: string, file: string): string => {
      const path = resolve(io.cwd, file)
      try {
        if (statSync(path).isDirectory()) throw new GpushipError(`${flag} ${file} is a directory.`, { input: flag, hint: `Pass the files inside it: ${flag} ${file}/*.prom` })
        return readFileSync(path, 'utf8')
      } catch (err) {
        if (err instanceof GpushipError) throw err
        throw new GpushipError(`Cannot read ${flag} ${file}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}.`, { input: flag, hint: 'Check the path; it is resolved from the current directory.' })
      }
    }
    const policy = typeof args.flags.policy === 'string' ? gates.loadPolicyYaml(read('--policy', args.flags.policy), args.flags.policy) : gates.resolvePolicy({})
    let windows
    try {
      windows = gates.windowsFromScrapes(files.map((f) => ({ name: f, chunks: [read('--metrics', f)] })))
    } catch (err) {
      if (err instanceof GpushipError && err.code === 'metrics-parse') throw new GpushipError(err.message, { input: '--metrics', hint: err.hint })
      throw err
    }
    const gpus = gates.evaluateDcgm(windows, policy, { underLoad: args.flags['under-load'] === true })
    const problems = gates.nodeProblems(windows, policy)
    const failed = gpus.some((g) => g.status === 'fail') || problems.some((p) => p.status === 'fail')
    const inconclusive = !failed && (gpus.some((g) => g.status === 'inconclusive') || problems.length > 0 || gpus.length === 0)
    if (args.flags.json) {
      io.stdout.write(`${JSON.stringify({ passed: !failed && !inconclusive, inconclusive, problems, gpus }, null, 2)}\n`)
    } else {
      if (gpus.length) io.stdout.write(`${gates.formatVerdictText(gpus)}\n`)
      for (const p of problems) io.stdout.write(`${p.message}\n`)
      const sick = gpus.filter((g) => g.status === 'fail').length
      io.stdout.write(`\n${gpus.length} GPU(s) on ${windows.length} node(s): ${failed ? `FAIL (${sick} failing)` : inconclusive ? 'INCONCLUSIVE (metrics missing; see above)' : 'PASS'}\n`)
    }
    return failed ? 1 : 0
  }
}
export default command
