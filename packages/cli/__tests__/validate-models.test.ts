import { describe, test, expect } from '@jest/globals'
import { mkdtempSync, mkdirSync, writeFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, dirname } from 'node:path'
import { fileURLToPath } from 'node:url'
import { PassThrough } from 'node:stream'
import { main } from '../src/main.js'

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..')

async function cli(args: string[], cwd = root): Promise<{ code: number; out: string; err: string }> {
  const stdout = new PassThrough()
  const stderr = new PassThrough()
  let out = ''
  let err = ''
  stdout.on('data', (d) => (out += d))
  stderr.on('data', (d) => (err += d))
  const code = await main(['validate-models', ...args], { stdout, stderr, env: {}, cwd })
  return { code, out, err }
}

describe('gpuship validate-models', () => {
  test('the example repository in docs is valid', async () => {
    const r = await cli(['docs/examples/triton-image/models'])
    expect(r.code).toBe(0)
    expect(r.out).toContain('OK: 3 model(s): classifier [1], pipeline [1], preprocess [1]')
  })

  test('problems are listed with file and line, exit 1; --json gives the report', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'gpuship-cli-models-'))
    try {
      mkdirSync(join(dir, 'models', 'm', '1'), { recursive: true })
      writeFileSync(join(dir, 'models', 'm', 'config.pbtxt'), 'name: "x"\nbackend: "python"\n')
      const r = await cli(['models'], dir)
      expect(r.code).toBe(1)
      expect(r.out).toContain(`models/m/config.pbtxt:1: error: name "x" does not match the model folder 'm'`)
      const j = await cli(['models', '--json'], dir)
      expect(j.code).toBe(1)
      expect(JSON.parse(j.out)).toMatchObject({
        valid: false,
        problems: expect.arrayContaining([expect.objectContaining({ file: 'models/m/config.pbtxt', line: 1, severity: 'error' })])
      })
    } finally {
      rmSync(dir, { recursive: true, force: true })
    }
  })

  test('usage errors exit 2', async () => {
    expect((await cli([])).code).toBe(2)
  })
})
