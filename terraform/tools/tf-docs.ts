// Generates the README tables (requirements, modules, resources, inputs, outputs) between the
// terraform-docs markers from the code itself, so a README can never disagree with variables.tf.
//   npx tsx terraform/tools/tf-docs.ts          rewrite every README
//   npx tsx terraform/tools/tf-docs.ts --check  exit 1 and name each README that is stale
import { readFileSync, writeFileSync, existsSync } from 'node:fs'
import { join, relative } from 'node:path'
import { pathToFileURL } from 'node:url'
import { loadDir, requiredProviders, requiredVersion, terraformDirs, TERRAFORM_ROOT, type TfDir, type Variable } from './hcl.js'

export const BEGIN = '<!-- BEGIN_TF_DOCS -->'
export const END = '<!-- END_TF_DOCS -->'

const cell = (s: unknown): string =>
  String(s ?? '')
    .replace(/\s*\r?\n\s*/g, ' ')
    .replace(/\|/g, '\\|')
    .trim()
// Descriptions are Markdown text: angle brackets would become HTML tags ("<account>" vanishes).
const text = (s: unknown): string => cell(s).replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;')
const code = (s: string): string => '`' + cell(s).replace(/\s+/g, ' ').replace(/`/g, "'") + '`'

function renderDefault(v: Variable): string {
  if (!v.hasDefault) return 'n/a'
  if (v.default === null) return code('null')
  return code(JSON.stringify(v.default))
}

function table(head: string[], rows: string[][], align?: string[]): string {
  const sep = align ?? head.map(() => '---')
  return [`| ${head.join(' | ')} |`, `|${sep.map((a) => a).join('|')}|`, ...rows.map((r) => `| ${r.join(' | ')} |`)].join('\n')
}

/** The generated section for one directory (without the markers). */
export function renderDocs(dir: TfDir): string {
  const parts: string[] = []

  const reqs: string[][] = []
  const tfVersion = requiredVersion(dir)
  if (tfVersion) reqs.push(['terraform', code(tfVersion)])
  for (const [name, p] of Object.entries(requiredProviders(dir)).sort(([a], [b]) => a.localeCompare(b))) {
    reqs.push([`${name} (${cell(p.source)})`, code(p.version ?? 'any')])
  }
  if (reqs.length) parts.push('## Requirements\n\n' + table(['Name', 'Version'], reqs))

  const mods = Object.values(dir.modules).sort((a, b) => a.name.localeCompare(b.name))
  if (mods.length) {
    parts.push(
      '## Modules\n\n' +
        table(
          ['Name', 'Source', 'Version'],
          mods.map((m) => [code(m.name), code(m.source), m.version ? code(m.version) : 'local'])
        )
    )
  }

  const resources: string[][] = []
  for (const [kind, byType] of [
    ['resource', dir.resources],
    ['data source', dir.data]
  ] as const) {
    for (const type of Object.keys(byType).sort()) for (const name of Object.keys(byType[type]).sort()) resources.push([code(`${type}.${name}`), kind])
  }
  if (resources.length) parts.push('## Resources\n\n' + table(['Name', 'Type'], resources))

  const vars = Object.values(dir.variables).sort((a, b) => Number(a.hasDefault) - Number(b.hasDefault) || a.name.localeCompare(b.name))
  parts.push(
    '## Inputs\n\n' +
      (vars.length
        ? table(
            ['Name', 'Description', 'Type', 'Default', 'Required'],
            vars.map((v) => [code(v.name), text(v.description), code(v.type ?? 'any'), renderDefault(v), v.hasDefault ? 'no' : 'yes']),
            ['---', '---', '---', '---', ':---:']
          )
        : 'No inputs.')
  )

  const outs = Object.values(dir.outputs).sort((a, b) => a.name.localeCompare(b.name))
  parts.push(
    '## Outputs\n\n' +
      (outs.length
        ? table(
            ['Name', 'Description'],
            outs.map((o) => [code(o.name), text(o.description) + (o.sensitive ? ' (sensitive)' : '')])
          )
        : 'No outputs.')
  )

  return parts.join('\n\n')
}

/** README text with the generated section replaced; throws when the markers are missing. */
export function withDocs(readme: string, docs: string, where: string): string {
  const start = readme.indexOf(BEGIN)
  const end = readme.indexOf(END)
  if (start < 0 || end < start) throw new Error(`${where}: README.md needs the markers ${BEGIN} and ${END} (in that order)`)
  return readme.slice(0, start + BEGIN.length) + '\n' + docs + '\n' + readme.slice(end)
}

/** The generated section currently in a README, or undefined without markers. */
export function currentDocs(readme: string): string | undefined {
  const start = readme.indexOf(BEGIN)
  const end = readme.indexOf(END)
  if (start < 0 || end < start) return undefined
  return readme.slice(start + BEGIN.length, end).trim()
}

export async function run(argv: string[]): Promise<number> {
  const check = argv.includes('--check')
  const stale: string[] = []
  for (const abs of terraformDirs()) {
    const dir = await loadDir(abs)
    const path = join(abs, 'README.md')
    const where = relative(TERRAFORM_ROOT, abs)
    if (!existsSync(path)) {
      stale.push(`${where}: README.md is missing`)
      continue
    }
    const readme = readFileSync(path, 'utf8')
    const next = withDocs(readme, renderDocs(dir), where)
    if (next === readme) continue
    if (check) stale.push(`${where}/README.md is out of date`)
    else writeFileSync(path, next)
  }
  for (const s of stale) process.stderr.write(`${s}\n`)
  if (stale.length && check) process.stderr.write('Run: npx tsx terraform/tools/tf-docs.ts\n')
  return stale.length ? 1 : 0
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  run(process.argv.slice(2)).then(
    (code) => process.exit(code),
    (err: unknown) => {
      process.stderr.write(`${err instanceof Error ? err.message : String(err)}\n`)
      process.exit(1)
    }
  )
}
