import { resolve } from 'node:path'
import { formatProblems, validateModelRepository } from '@gpuship/images'
import { GpushipError } from '@gpuship/core'
import { parseArgs, type Command } from '../command.js'

/**
 * The model-repository check ecr-build-push runs before building, for a laptop or a pre-commit
 * hook: exit 0 when valid, 1 with one `file:line: error: …` per problem otherwise.
 */
const command: Command = {
  name: 'validate-models',
  summary: 'Check a Triton model repository',
  help: [
    'Usage: gpuship validate-models DIR [--json]',
    '',
    'Checks each model folder of a Triton model repository: config.pbtxt parses, its name matches',
    'the folder, it sets a platform or backend, and versions are numeric folders.',
    '',
    'Flags:',
    '  --json   print the report as JSON ({valid, models, problems})',
    '',
    'Exit status: 0 valid, 1 problems found, 2 bad usage.',
    '',
    'Example: gpuship validate-models docs/examples/triton-image/models'
  ].join('\n'),
  async run(argv, io) {
    const args = parseArgs(argv, { json: { type: 'boolean', default: false } }, 'validate-models')
    if (args.positionals.length !== 1)
      throw new GpushipError('validate-models takes exactly one directory.', { input: 'DIR', hint: 'gpuship validate-models path/to/model_repository' })
    const root = resolve(io.cwd, args.positionals[0])
    const report = validateModelRepository(root, io.cwd)
    if (args.flags.json) {
      io.stdout.write(`${JSON.stringify({ valid: report.valid, models: report.models, problems: report.problems }, null, 2)}\n`)
    } else {
      if (report.problems.length) io.stdout.write(`${formatProblems(report.problems)}\n`)
      const errors = report.problems.filter((p) => p.severity === 'error').length
      io.stdout.write(
        report.valid
          ? `OK: ${report.models.length} model(s): ${report.models.map((m) => `${m.name} [${m.versions.join(',')}]`).join(', ')}\n`
          : `${errors} error(s) in ${args.positionals[0]}\n`
      )
    }
    return report.valid ? 0 : 1
  }
}
export default command
