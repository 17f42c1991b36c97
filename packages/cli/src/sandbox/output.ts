/**
 * The --out folder: what a person would read on the Actions run page and the pull request.
 *   summary.md            every step's job summary, in order, as the run page shows them
 *   steps/NN-<id>.md      one step's summary
 *   logs/NN-<id>.log      one step's raw log (stdout then stderr)
 *   pr-comment.md         the sticky plan/apply comment as the GitHub simulator holds it
 *   result.json           scenario, verdict and each step's status, outputs and note
 */
import { mkdirSync, writeFileSync, rmSync, existsSync } from 'node:fs'
import { join } from 'node:path'

export interface StepRecord {
  id: string
  action: string
  status: 'passed' | 'failed' | 'skipped' | 'unavailable'
  note: string
  exitCode?: number
  durationMs?: number
  outputs?: Record<string, string>
  summary?: string
  log?: string
}

export interface OutputFolder {
  dir: string
  writeStep(index: number, rec: StepRecord): void
  writeComment(markdown: string): void
  writeFile(name: string, text: string): string
  finish(result: unknown): void
}

export function createOutputFolder(dir: string): OutputFolder {
  // Only what the sandbox wrote last time is removed, never a folder a person pointed --out at by mistake.
  for (const sub of ['steps', 'logs']) if (existsSync(join(dir, sub))) rmSync(join(dir, sub), { recursive: true, force: true })
  for (const f of ['summary.md', 'pr-comment.md', 'result.json']) if (existsSync(join(dir, f))) rmSync(join(dir, f))
  mkdirSync(join(dir, 'steps'), { recursive: true })
  mkdirSync(join(dir, 'logs'), { recursive: true })
  const summaries: string[] = []
  const name = (i: number, id: string) => `${String(i).padStart(2, '0')}-${id}`
  return {
    dir,
    writeStep(index, rec) {
      if (rec.summary) {
        writeFileSync(join(dir, 'steps', `${name(index, rec.id)}.md`), rec.summary)
        summaries.push(`<!-- step ${index}: ${rec.id} (${rec.action}) -->\n${rec.summary.trimEnd()}\n`)
        writeFileSync(join(dir, 'summary.md'), summaries.join('\n---\n\n'))
      }
      if (rec.log !== undefined) writeFileSync(join(dir, 'logs', `${name(index, rec.id)}.log`), rec.log)
    },
    writeComment(markdown) {
      writeFileSync(join(dir, 'pr-comment.md'), markdown)
    },
    writeFile(file, text) {
      writeFileSync(join(dir, file), text)
      return join(dir, file)
    },
    finish(result) {
      writeFileSync(join(dir, 'result.json'), `${JSON.stringify(result, null, 2)}\n`)
    }
  }
}
