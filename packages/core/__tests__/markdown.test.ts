import { describe, expect, test } from '@jest/globals'
import { codeBlock, details, escapeHtml, escapeMarkdown, fitTo, hiddenMarker, inlineCode, readMarker, table } from '../src/index.js'

describe('markdown escaping', () => {
  test('HTML and Markdown syntax in untrusted text are neutralised', () => {
    const evil = '<img src=x onerror=alert(1)> **bold** [link](http://x) | pipe `code` @octocat'
    const out = escapeMarkdown(evil)
    expect(out).not.toContain('<img')
    expect(out).toContain('&lt;img')
    expect(out).toContain('\\*\\*bold\\*\\*')
    expect(out).toContain('\\[link\\]\\(http://x\\)')
    expect(out).toContain('\\|')
    expect(out).not.toContain('@octocat')
  })

  test('a table cell cannot add columns or rows', () => {
    const t = table(['address', 'action'], [['aws_s3_bucket.a|x\nnew | row', 'create']])
    const lines = t.split('\n')
    expect(lines).toHaveLength(3)
    expect(lines[2].split(/(?<!\\)\|/).length).toBe(4)
  })

  test('a code block fence is longer than any backtick run inside', () => {
    const body = 'a\n```\nbreakout\n````'
    const block = codeBlock(body)
    expect(block.startsWith('`````\n')).toBe(true)
    expect(block.endsWith('\n`````')).toBe(true)
    expect(inlineCode('a`b')).toBe('``a`b``')
  })

  test('details escapes its summary', () => {
    expect(details('</summary><script>', 'body')).toContain('&lt;/summary&gt;&lt;script&gt;')
  })

  test('hidden markers round-trip and cannot close the comment early', () => {
    const m = hiddenMarker('plan', { label: 'x --> <b>', hash: 'abc' })
    expect(m.indexOf('-->')).toBe(m.length - 3)
    expect(readMarker(`text\n${m}\nmore`, 'plan')).toEqual({ label: 'x --> <b>', hash: 'abc' })
    expect(readMarker('nothing', 'plan')).toBeUndefined()
  })

  test('escapeHtml', () => {
    expect(escapeHtml(`<a href="x">'&'</a>`)).toBe('&lt;a href=&quot;x&quot;&gt;&#39;&amp;&#39;&lt;/a&gt;')
  })

  test('fitTo keeps the kept part whole and closes open fences and details', () => {
    const keep = '**Plan:** 1 to destroy\n- destroy aws_eks_cluster.main'
    const cuttable = '<details><summary>x</summary>\n\n```\n' + 'line\n'.repeat(5000) + '```\n\n</details>'
    const out = fitTo(keep, cuttable, 2000, 'Truncated: the full plan is in the job summary.')
    expect(out.length).toBeLessThanOrEqual(2000)
    expect(out.startsWith(keep)).toBe(true)
    expect(out.endsWith('Truncated: the full plan is in the job summary.')).toBe(true)
    expect((out.match(/^```/gm) ?? []).length % 2).toBe(0)
    expect((out.match(/<details/g) ?? []).length).toBe((out.match(/<\/details>/g) ?? []).length)
    expect(fitTo('a', 'b', 100, 'n')).toBe('a\n\nb')
  })
})
