import { describe, expect, test } from '@jest/globals'
import { readFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { explainFailure, parseGoTime, parseLockInfo, TerraformError } from '../src/index.js'

const testkit = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'testkit', 'src', 'terraform')
const { ERRORS } = (await import(join(testkit, 'standin-errors.mjs'))) as { ERRORS: Record<string, string> }

describe('lock errors', () => {
  test('the real terraform 1.11.4 lock text parses into ID, holder, operation and age', () => {
    const text = readFileSync(join(testkit, 'real-lock-held-local.txt'), 'utf8')
    const created = parseGoTime('2026-12-04 19:34:56.635709467 +0000 UTC')!
    const lock = parseLockInfo(text, created + 90 * 60_000)!
    expect(lock).toMatchObject({ id: 'a128faa3-6db2-4e85-1490-3041708b2155', path: 'terraform.tfstate', operation: 'OperationTypeApply', who: 'root@vm', version: '1.11.4', ageMs: 90 * 60_000 })
    expect(lock.info).toBeUndefined()
    const err = explainFailure(text, 'plan', 'infra/prod', created + 90 * 60_000)
    expect(err.failureReason).toBe('lock-held')
    expect(err.message).toContain('lock a128faa3-6db2-4e85-1490-3041708b2155 is held by root@vm for OperationTypeApply')
    expect(err.message).toContain('(90m ago)')
    expect(err.hint).toContain('cd infra/prod && terraform force-unlock -force a128faa3-6db2-4e85-1490-3041708b2155')
  })

  test('the S3 lockfile variant parses too, with ANSI colours stripped', () => {
    const text = ERRORS['lock-held'].replace('{ID}', 'x-1').replace('{WHO}', 'runner@fv-az1').replace('{CREATED}', '2026-12-04 10:00:00.000000001 +0000 UTC').replace('{OPERATION}', 'OperationTypePlan').replace('{PATH}', 'b/k').replace('{INFO}', '')
    const lock = parseLockInfo(`\x1b[31m${text}\x1b[0m`)!
    expect(lock).toMatchObject({ id: 'x-1', who: 'runner@fv-az1', operation: 'OperationTypePlan', path: 'b/k' })
  })

  test('text without a lock is not a lock error', () => {
    expect(parseLockInfo('Error: Invalid provider configuration')).toBeUndefined()
  })
})

describe('state out of sync', () => {
  test.each([
    ['already-exists', 'already-exists', ['import {', 'to = aws_eks_node_group.gpu', 'id = "gpu-prod:gpu"']],
    ['iam-already-exists', 'already-exists', ['to = aws_iam_role.gpu_node', 'id = "gpu-prod-gpu-node"']],
    ['not-found', 'not-found', ["terraform state rm 'aws_eks_node_group.gpu'", 'removed {', 'from = aws_eks_node_group.gpu']],
    ['cluster-gone', 'cluster-gone', ["terraform state rm 'kubernetes_namespace.inference'", 'destroy = false']]
  ])('%s is explained with its fix', (key, reason, fixes) => {
    const err = explainFailure(ERRORS[key], 'apply', '.')
    expect(err).toBeInstanceOf(TerraformError)
    expect(err.failureReason).toBe(reason)
    for (const f of fixes) expect(err.hint).toContain(f)
  })

  test('an unknown failure keeps terraform first diagnostic', () => {
    const err = explainFailure('\nError: Unsupported argument\n\n  on main.tf line 3', 'plan', '.')
    expect(err.failureReason).toBe('plan-failed')
    expect(err.message).toBe('terraform plan failed: Unsupported argument')
  })
})
