import { readFileSync } from 'node:fs'
import { resolve } from 'node:path'
import { GpushipError } from '@gpuship/core'
import { parseArgs, type Command } from '../command.js'

/**
 * The terraform-plan action's renderer on the command line: the same Markdown as the PR
 * comment (from the JSON plan, never its text), or the counts and addresses as JSON.
 */
const command: Command = {
  name: 'plan-render',
  summary: 'Render a `terraform show -json` plan as Markdown or JSON',
  help: [
    'Usage: gpuship plan-render PLAN.json [--format markdown|json] [--limit N]',
    '',
    'Renders the JSON of a saved plan (terraform show -json tfplan > plan.json; "-" reads stdin):',
    'the summary line, destroys and replacements first, a table per action, attribute diffs with',
    '(sensitive) and (known after apply), output changes and drift.',
    '',
    'Flags:',
    '  --format markdown   the PR comment body (default)',
    '  --format json       {counts, changes, hash, addresses: {add, change, replace, destroy, import, move, forget, read, outputs, drift}}',
    '  --limit N           cut detail to fit N characters, as the PR comment does (65536); never the summary or a destroy',
    '',
    'Exit status: 0 rendered, 2 bad usage or not a plan JSON.',
    '',
    'Example:',
    '  terraform plan -out=tfplan && terraform show -json tfplan > plan.json && gpuship plan-render plan.json'
  ].join('\n'),
  async run(argv, io) {
    const args = parseArgs(argv, { format: { type: 'string', default: 'markdown' }, limit: { type: 'string' } }, 'plan-render')
    const [file, ...extra] = args.positionals
    if (!file || extra.length) throw new GpushipError('plan-render takes exactly one plan JSON file.', { input: 'PLAN.json', hint: 'terraform show -json tfplan > plan.json && gpuship plan-render plan.json' })
    const format = String(args.flags.format)
    if (format !== 'markdown' && format !== 'json') throw new GpushipError(`Invalid --format '${format}'. Expected markdown or json.`, { input: '--format' })
    const limit = args.flags.limit === undefined ? undefined : Number(args.flags.limit)
    if (limit !== undefined && !(Number.isInteger(limit) && limit >= 1000)) throw new GpushipError(`Invalid --limit '${String(args.flags.limit)}'. Expected a whole number of characters, at least 1000.`, { input: '--limit' })
    let text: string
    try {
      text = file === '-' ? readFileSync(0, 'utf8') : readFileSync(resolve(io.cwd, file), 'utf8')
    } catch (e) {
      throw new GpushipError(`Cannot read ${file}: ${(e as Error).message}.`, { input: 'PLAN.json', hint: 'Pass the path of the JSON from "terraform show -json tfplan".' })
    }
    const tf = await import('@gpuship/terraform')
    let plan
    try {
      plan = tf.parsePlanJson(text, file)
    } catch (e) {
      throw new GpushipError((e as Error).message, { input: 'PLAN.json', hint: (e as GpushipError).hint })
    }
    if (format === 'json') {
      const s = tf.summarizePlan(plan)
      io.stdout.write(`${JSON.stringify({ counts: s.counts, changes: s.changes, hash: tf.planHash(plan), addresses: s.addresses }, null, 2)}\n`)
      return 0
    }
    io.stdout.write(`${tf.renderPlan(plan, { heading: '### Terraform plan', limit, footer: `Plan hash \`${tf.planHash(plan)}\`` }).markdown}\n`)
    return 0
  }
}

export default command
