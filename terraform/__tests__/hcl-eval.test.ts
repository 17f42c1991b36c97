import { describe, test, expect } from '@jest/globals'
import { evaluate, type Scope } from '../tools/hcl-eval.js'

const scope: Scope = {
  var: { repository: 'acme/inference', env: null, n: 3, flags: { a: true } },
  locals: {
    prefix: 'repo:${var.repository}',
    subjects: {
      plan: ['${local.prefix}:pull_request'],
      apply: '${var.env == null ? ["${local.prefix}:ref:refs/heads/main"] : ["${local.prefix}:environment:${var.env}"]}'
    },
    enabled: { plan: true, apply: false },
    picked: '${{ for k, v in local.subjects : k => v if local.enabled[k] }}',
    loop: '${local.loop}'
  }
}

describe('evaluate', () => {
  test.each([
    ['plain', 'plain'],
    ['${var.n}', 3],
    ['x-${var.repository}-y', 'x-acme/inference-y'],
    ['${var.env == null}', true],
    ['${var.env != null ? 1 : 2}', 2],
    ['${!var.flags.a || var.n > 2}', true],
    ['${concat(["a"], ["b", "a"])}', ['a', 'b', 'a']],
    ['${distinct(concat(["a"], ["b", "a"]))}', ['a', 'b']],
    ['${tostring(var.n)}', '3'],
    ['${[for s in ["a", "b"] : "${s}!"]}', ['a!', 'b!']],
    ['${local.subjects.apply}', ['repo:acme/inference:ref:refs/heads/main']],
    ['${local.picked}', { plan: ['repo:acme/inference:pull_request'] }],
    ['${aws_iam_role.this["plan"].arn}', '(known after apply: aws_iam_role.this["plan"].arn)']
  ])('%s', async (expr, expected) => {
    expect(await evaluate(expr, scope)).toEqual(expected)
  })

  test('each.key and each.value', async () => {
    expect(await evaluate('${each.key}=${each.value}', { ...scope, each: { key: 'k', value: 'v' } })).toBe('k=v')
  })

  test('what it cannot evaluate is an error naming the expression', async () => {
    await expect(evaluate('${jsonencode(var.n)}', scope)).rejects.toThrow(/jsonencode/)
    await expect(evaluate('${var.missing}', scope)).rejects.toThrow(/var\.missing/)
    await expect(evaluate('${local.loop}', scope)).rejects.toThrow(/refers to itself/)
  })
})
