import { describe, test, expect } from '@jest/globals'
import { allows, conditionMatches, githubClaims, likeToRegExp, type Statement } from '../tools/iam-condition.js'

const SUB = 'token.actions.githubusercontent.com:sub'
const AUD = 'token.actions.githubusercontent.com:aud'

const statement = (test: string, values: string[]): Statement => ({
  actions: ['sts:AssumeRoleWithWebIdentity'],
  conditions: [
    { test: 'StringEquals', variable: AUD, values: ['sts.amazonaws.com'] },
    { test, variable: SUB, values }
  ]
})

describe('StringLike globbing', () => {
  test.each([
    ['repo:acme/*', 'repo:acme/x:ref:refs/heads/main', true],
    ['repo:acme/inference:*', 'repo:acme/inference:pull_request', true],
    ['repo:acme/inference:ref:refs/heads/?ain', 'repo:acme/inference:ref:refs/heads/main', true],
    ['repo:acme/inference:ref:refs/heads/?ain', 'repo:acme/inference:ref:refs/heads/mmain', false],
    ['repo:acme/inference.x', 'repo:acme/inferenceXx', false],
    ['a+b(c)', 'a+b(c)', true]
  ])('%s against %s is %s', (pattern, value, expected) => {
    expect(likeToRegExp(pattern).test(value)).toBe(expected)
  })
})

describe('operators', () => {
  test.each([
    ['StringEquals', ['a', 'b'], 'b', true],
    ['StringEquals', ['a'], 'A', false],
    ['StringEqualsIgnoreCase', ['a'], 'A', true],
    ['StringNotEquals', ['a'], 'b', true],
    ['StringNotLike', ['a*'], 'abc', false]
  ])('%s %j vs %s -> %s', (op, values, actual, expected) => {
    expect(conditionMatches({ test: op, variable: 'k', values }, { k: actual })).toBe(expected)
  })

  test('a missing key fails positive operators unless IfExists', () => {
    expect(conditionMatches({ test: 'StringEquals', variable: 'k', values: ['a'] }, {})).toBe(false)
    expect(conditionMatches({ test: 'StringLike', variable: 'k', values: ['*'] }, {})).toBe(false)
    expect(conditionMatches({ test: 'StringEqualsIfExists', variable: 'k', values: ['a'] }, {})).toBe(true)
    expect(conditionMatches({ test: 'StringNotEquals', variable: 'k', values: ['a'] }, {})).toBe(true)
  })

  test('set qualifiers over multi-valued keys', () => {
    const claims = { k: ['a', 'b'] }
    expect(conditionMatches({ test: 'ForAnyValue:StringEquals', variable: 'k', values: ['b'] }, claims)).toBe(true)
    expect(conditionMatches({ test: 'ForAllValues:StringEquals', variable: 'k', values: ['b'] }, claims)).toBe(false)
    expect(conditionMatches({ test: 'ForAllValues:StringEquals', variable: 'k', values: ['a', 'b'] }, claims)).toBe(true)
  })

  test('an unknown operator is an error, not a silent match', () => {
    expect(() => conditionMatches({ test: 'NumericEquals', variable: 'k', values: ['1'] }, { k: '1' })).toThrow(/NumericEquals/)
  })
})

describe('statements', () => {
  test('every condition must match (aud and sub)', () => {
    const st = statement('StringEquals', ['repo:acme/inference:pull_request'])
    expect(allows(st, githubClaims({ sub: 'repo:acme/inference:pull_request' }))).toBe(true)
    expect(allows(st, githubClaims({ sub: 'repo:acme/inference:pull_request', aud: 'other' }))).toBe(false)
  })

  test('the classic wildcard trust accepts every repository of the owner: what the module must never produce', () => {
    const loose = statement('StringLike', ['repo:acme/*'])
    expect(allows(loose, githubClaims({ sub: 'repo:acme/untrusted-fork-target:pull_request' }))).toBe(true)
    const exact = statement('StringEquals', ['repo:acme/inference:ref:refs/heads/main'])
    expect(allows(exact, githubClaims({ sub: 'repo:acme/untrusted-fork-target:pull_request' }))).toBe(false)
  })

  test('Deny statements and other actions never allow', () => {
    const st = statement('StringEquals', ['x'])
    expect(allows({ ...st, effect: 'Deny' }, githubClaims({ sub: 'x' }))).toBe(false)
    expect(allows({ ...st, actions: ['sts:AssumeRole'] }, githubClaims({ sub: 'x' }))).toBe(false)
  })
})
