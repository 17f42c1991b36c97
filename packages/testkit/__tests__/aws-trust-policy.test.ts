import { describe, test, expect } from '@jest/globals'
import { evaluateCondition, evaluateTrust, stringLike } from '../src/aws/trust-policy.js'
import type { PolicyDocument } from '../src/aws/state.js'

const K = 'token.actions.githubusercontent.com:sub'

describe('IAM condition evaluation', () => {
  test.each([
    ['repo:o/r:*', 'repo:o/r:ref:refs/heads/main', true],
    ['repo:o/r:*', 'repo:o/r2:pull_request', false],
    ['repo:o/?:pull_request', 'repo:o/r:pull_request', true],
    ['repo:O/r:*', 'repo:o/r:pull_request', false],
    ['repo:o/r:environment:prod', 'repo:o/r:environment:prod', true],
    ['a.b', 'axb', false]
  ])('StringLike %s vs %s = %s', (pattern, value, want) => {
    expect(stringLike(pattern, value)).toBe(want)
  })

  test.each([
    ['StringEquals', ['a', 'b'], 'b', true],
    ['StringEquals', 'a', 'A', false],
    ['StringEqualsIgnoreCase', 'a', 'A', true],
    ['StringNotEquals', ['a', 'b'], 'c', true],
    ['StringNotEquals', ['a', 'b'], 'a', false],
    ['StringNotLike', 'repo:o/*', 'repo:x/y', true],
    ['StringLikeIfExists', 'repo:o/*', undefined, true],
    ['StringLike', 'repo:o/*', undefined, false],
    ['Null', 'true', undefined, true],
    ['Null', 'false', undefined, false],
    ['ForAnyValue:StringLike', 'repo:o/*', 'repo:o/r', true]
  ] as const)('%s %j against %s = %s', (op, wanted, have, want) => {
    expect(evaluateCondition(op, K, wanted as string | string[], { [K]: have })).toBe(want)
  })

  test('condition keys are case-insensitive, values are not', () => {
    expect(evaluateCondition('StringEquals', K.toUpperCase(), 'x', { [K]: 'x' })).toBe(true)
  })

  test('operators AND, keys AND, values OR; Deny wins; the federated principal must match', () => {
    const policy: PolicyDocument = {
      Statement: [
        { Effect: 'Allow' as const, Principal: { Federated: 'arn:aws:iam::1:oidc-provider/gh' }, Action: 'sts:AssumeRoleWithWebIdentity', Condition: { StringEquals: { 'gh:aud': 'sts.amazonaws.com' }, StringLike: { 'gh:sub': ['repo:o/a:*', 'repo:o/b:*'] } } },
        { Effect: 'Deny' as const, Principal: '*' as const, Action: 'sts:*', Condition: { StringEquals: { 'gh:sub': 'repo:o/b:pull_request' } } }
      ]
    }
    const req = (sub: string, aud = 'sts.amazonaws.com', federated = 'arn:aws:iam::1:oidc-provider/gh') => evaluateTrust(policy, { action: 'sts:AssumeRoleWithWebIdentity', federated, context: { 'gh:sub': sub, 'gh:aud': aud } }).allowed
    expect(req('repo:o/a:ref:refs/heads/main')).toBe(true)
    expect(req('repo:o/b:ref:refs/heads/main')).toBe(true)
    expect(req('repo:o/b:pull_request')).toBe(false)
    expect(req('repo:o/a:ref:refs/heads/main', 'other')).toBe(false)
    expect(req('repo:o/a:ref:refs/heads/main', 'sts.amazonaws.com', 'arn:aws:iam::2:oidc-provider/gh')).toBe(false)
    expect(evaluateTrust(policy, { action: 'sts:AssumeRole', federated: 'arn:aws:iam::1:oidc-provider/gh', context: {} }).allowed).toBe(false)
  })
})
