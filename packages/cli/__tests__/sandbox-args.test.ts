import { describe, test, expect } from '@jest/globals'
import { Writable } from 'node:stream'
import { main } from '../src/main.js'
import { parseSandboxArgs } from '../src/sandbox/options.js'
import { SCENARIO_NAMES } from '../src/sandbox/scenarios.js'

function io() {
  let out = ''
  let err = ''
  const sink = (add: (s: string) => void) => new Writable({ write: (c, _e, cb) => (add(String(c)), cb()) })
  return {
    io: { stdout: sink((s) => (out += s)), stderr: sink((s) => (err += s)), env: {}, cwd: '/tmp' },
    out: () => out,
    err: () => err
  }
}

describe('gpuship sandbox flags', () => {
  test('--help lists every scenario and the flags, exit 0', async () => {
    const t = io()
    expect(await main(['sandbox', '--help'], t.io)).toBe(0)
    for (const s of SCENARIO_NAMES) expect(t.out()).toContain(s)
    for (const f of ['--scenario', '--out', '--serve', '--registry']) expect(t.out()).toContain(f)
  })

  test.each([
    [['--scenario', 'meltdown'], /Unknown scenario 'meltdown'.*Expected one of: healthy, gpu-capacity, xid/s],
    [['--bogus'], /Unknown flag --bogus/],
    [['--out'], /Flag --out needs a value/],
    [['--registry', 'docker'], /Invalid --registry 'docker'/],
    [['--serve=maybe'], /Invalid --serve=maybe/],
    [['xid'], /Unexpected argument 'xid'.*--scenario <name>/s]
  ])('%j is a clear error and exit 2', async (argv, message) => {
    const t = io()
    expect(await main(['sandbox', ...argv], t.io)).toBe(2)
    expect(t.err()).toMatch(message)
  })

  test('defaults: healthy, ./sandbox-out under the working directory, real registry when present', () => {
    expect(parseSandboxArgs([], '/work/x')).toEqual({ scenario: 'healthy', out: '/work/x/sandbox-out', serve: false, registry: 'auto', verbose: false, install: true })
    expect(parseSandboxArgs(['--scenario=xid', '--out', 'o', '--serve', '--registry', 'in-process', '--install=false'], '/w')).toMatchObject({ scenario: 'xid', out: '/w/o', serve: true, registry: 'in-process', install: false })
  })
})
