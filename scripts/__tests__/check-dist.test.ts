import { describe, expect, test, afterAll } from '@jest/globals'
import { spawnSync } from 'node:child_process'
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'

// The scratch action lives inside the repository so ncc resolves packages from its node_modules.
const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..')
mkdirSync(join(root, '.tmp'), { recursive: true })
const scratch = mkdtempSync(join(root, '.tmp', 'check-dist-'))
const action = join(scratch, 'demo')

function bundle(...args: string[]) {
  return spawnSync(process.execPath, [join(root, 'scripts', 'bundle.mjs'), ...args], {
    env: { ...process.env, GPUSHIP_ACTIONS_DIR: scratch },
    encoding: 'utf8'
  })
}

afterAll(() => rmSync(scratch, { recursive: true, force: true }))

describe('check-dist', () => {
  test('passes on a fresh bundle, fails when a source changed without rebuilding, passes again after pnpm bundle', () => {
    mkdirSync(join(action, 'src'), { recursive: true })
    writeFileSync(join(action, 'tsconfig.json'), JSON.stringify({ compilerOptions: { target: 'ES2022', module: 'ESNext', moduleResolution: 'Bundler', strict: true, skipLibCheck: true, types: ['node'] }, include: ['src/**/*.ts'] }))
    writeFileSync(join(action, 'package.json'), JSON.stringify({ name: 'demo', private: true, type: 'module' }))
    writeFileSync(join(action, 'src', 'index.ts'), "import { parse } from 'yaml'\nprocess.stdout.write(String(parse('a: 1').a))\n")

    const built = bundle()
    expect(built.status).toBe(0)
    expect(spawnSync(process.execPath, [join(action, 'dist', 'index.js')], { encoding: 'utf8' }).stdout).toBe('1')
    expect(bundle('--check').status).toBe(0)

    writeFileSync(join(action, 'src', 'index.ts'), "import { parse } from 'yaml'\nprocess.stdout.write(String(parse('a: 2').a))\n")
    const stale = bundle('--check')
    expect(stale.status).toBe(1)
    expect(stale.stderr).toContain('actions/demo/dist is stale')
    expect(stale.stderr).toContain('pnpm bundle')

    expect(bundle().status).toBe(0)
    expect(bundle('--check').status).toBe(0)
  })
})
