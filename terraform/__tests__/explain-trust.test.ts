import { describe, test, expect } from '@jest/globals'
import { parseArgs, report } from '../tools/explain-trust.js'

describe('explain-trust', () => {
  test('names the role that accepts and the condition each other role refused', async () => {
    const out = await report(parseArgs(['--repository', 'acme/inference', '--sub', 'repo:acme/inference:pull_request']))
    expect(out).toContain('plan: accepts')
    expect(out).toMatch(/apply: refuses — token\.actions\.githubusercontent\.com:sub must StringEquals \["repo:acme\/inference:environment:production"\]/)
  })

  test('variables change the answer (branch trust instead of an environment)', async () => {
    const out = await report(
      parseArgs(['--repository', 'acme/inference', '--sub', 'repo:acme/inference:ref:refs/heads/main', '--var', 'apply_environment=null'])
    )
    expect(out).toContain('apply: accepts')
    expect(out).toContain('plan: refuses')
  })

  test('a wrong audience is named as the refusing condition', async () => {
    const out = await report(parseArgs(['--repository', 'acme/inference', '--sub', 'repo:acme/inference:pull_request', '--aud', 'https://github.com/acme']))
    expect(out).toMatch(/plan: refuses — token\.actions\.githubusercontent\.com:aud must StringEquals \["sts\.amazonaws\.com"\]/)
  })

  test.each([
    [['--sub', 'x'], /--repository is required/],
    [['--repository', 'a/b'], /--sub is required/],
    [['--repository', 'a/b', '--sub', 'x', '--var', 'novalue'], /name=value/],
    [['--bogus', 'x'], /unknown flag --bogus/],
    [['--sub'], /--sub needs a value/]
  ])('refuses %j', (argv, message) => {
    expect(() => parseArgs(argv)).toThrow(message)
  })
})
