import { describe, expect, test } from '@jest/globals'
import { createMasker, escapeCommandData, escapeCommandProperty, formatDuration, group, mermaidLineChart, mermaidText, partial, progressTicker, SummaryBuilder, writeUntrusted, type Logger } from '../src/index.js'

function recorder(): Logger & { lines: string[] } {
  const lines: string[] = []
  return {
    lines,
    debug: (m) => lines.push(`debug ${m}`),
    info: (m) => lines.push(`info ${m}`),
    warning: (m) => lines.push(`warning ${m}`),
    error: (m) => lines.push(`error ${m}`),
    startGroup: (n) => lines.push(`group ${n}`),
    endGroup: () => lines.push('endgroup')
  }
}

describe('log helpers', () => {
  test('group logs the duration and closes on error', async () => {
    const log = recorder()
    let t = 0
    await expect(
      group(log, 'plan', async () => {
        t = 2500
        throw new Error('boom')
      }, () => t)
    ).rejects.toThrow('boom')
    expect(log.lines).toEqual(['group plan', 'info plan: 2.5s', 'endgroup'])
  })

  test('writeUntrusted wraps text between stop-commands and a random resume token', () => {
    let out = ''
    writeUntrusted((s) => (out += s), '::error::injected\n::add-mask::x')
    const [start, ...rest] = out.trimEnd().split('\n')
    const token = start.replace('::stop-commands::', '')
    expect(token).toMatch(/^[0-9a-f]{32}$/)
    expect(rest[rest.length - 1]).toBe(`::${token}::`)
  })

  test('command escaping', () => {
    expect(escapeCommandData('50%\r\nnext')).toBe('50%25%0D%0Anext')
    expect(escapeCommandProperty('a:b,c')).toBe('a%3Ab%2Cc')
  })

  test('progressTicker rate-limits', () => {
    const log = recorder()
    let t = 0
    const tick = progressTicker(log, 15_000, () => t)
    tick('a')
    t = 10_000
    tick('b')
    t = 15_001
    tick('c')
    tick('d', true)
    expect(log.lines).toEqual(['info a', 'info c', 'info d'])
  })

  test.each([
    [250, '250ms'],
    [2500, '2.5s'],
    [45_000, '45s'],
    [125_000, '2m5s'],
    [3_600_000, '1h']
  ])('formatDuration %i', (ms, text) => expect(formatDuration(ms)).toBe(text))
})

describe('masker', () => {
  test('registers each line of a multi-line secret and redacts', () => {
    const registered: string[] = []
    const m = createMasker((v) => registered.push(v))
    m.add('line-one-secret\nline-two-secret')
    m.add('abc') // too short to be a useful mask, and would mask half the log
    m.add(undefined)
    expect(registered).toEqual(['line-one-secret\nline-two-secret', 'line-one-secret', 'line-two-secret'])
    expect(m.redact('x line-one-secret\nline-two-secret y')).toBe('x *** y')
    expect(partial('AKIAABCDEFGHIJKL')).toBe('***IJKL')
    expect(partial('short')).toBe('***')
  })
})

describe('summary', () => {
  test('escapes text parts and keeps raw ones', () => {
    const s = new SummaryBuilder().heading('Plan for <b>x</b>').paragraph('a|b').raw('**raw**').list(['<i>']).toString()
    expect(s).toContain('## Plan for &lt;b&gt;x&lt;/b&gt;')
    expect(s).toContain('a\\|b')
    expect(s).toContain('**raw**')
    expect(s).toContain('- &lt;i&gt;')
  })

  test('mermaid chart text cannot break out of quotes', () => {
    expect(mermaidText('GPU "0" [x]')).toBe('GPU 0 x')
    const chart = mermaidLineChart('temp', ['t0', 't1'], [{ name: 'gpu0', values: [60, 71.5] }], '°C')
    expect(chart).toContain('xychart-beta')
    expect(chart).toContain('line [60, 71.5]')
    expect(chart).toContain('y-axis "°C" 60 --> 72')
  })
})
