/**
 * `pnpm bench`: runs every bench/*.bench.ts (or the names given) and prints its figures.
 * Each file default-exports a Bench (see harness.ts).
 */
import { readdirSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath, pathToFileURL } from 'node:url'
import type { Bench, Figure } from './harness.js'

const here = dirname(fileURLToPath(import.meta.url))
const wanted = process.argv.slice(2)
const files = readdirSync(here)
  .filter((f) => f.endsWith('.bench.ts'))
  .filter((f) => wanted.length === 0 || wanted.some((w) => f.startsWith(w)))
  .sort()

function fmt(f: Figure): string {
  const v = `${Number.isInteger(f.value) ? f.value : f.value.toFixed(2)} ${f.unit}`
  const base = f.baseline ? `   (${f.baseline.label}: ${Number.isInteger(f.baseline.value) ? f.baseline.value : f.baseline.value.toFixed(2)} ${f.unit}; ratio ${(f.value / f.baseline.value).toFixed(2)}×)` : ''
  return `  ${f.label.padEnd(58)} ${v}${base}${f.note ? `   ${f.note}` : ''}`
}

let failed = false
for (const file of files) {
  const bench = (await import(pathToFileURL(join(here, file)).href)).default as Bench
  process.stdout.write(`\n${bench.name}\n`)
  try {
    for (const f of await bench.run()) process.stdout.write(`${fmt(f)}\n`)
  } catch (err) {
    failed = true
    process.stdout.write(`  failed: ${err instanceof Error ? err.message : String(err)}\n`)
  }
}
process.exitCode = failed ? 1 : 0
