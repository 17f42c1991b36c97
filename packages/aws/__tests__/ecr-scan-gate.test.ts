import { describe, test, expect } from '@jest/globals'
import { evaluateScan, type SeverityThreshold } from '../src/ecr/scan-gate.js'
import { ecrError } from '../src/ecr/ecr-errors.js'
import { isRetryableAwsError } from '../src/identity/aws-errors.js'

const scan = (counts: Record<string, number>) => ({ status: 'COMPLETE', counts, findings: [] })

describe('evaluateScan', () => {
  test.each<[SeverityThreshold, Record<string, number>, boolean, string[]]>([
    ['none', { CRITICAL: 5 }, true, []],
    ['critical', { HIGH: 3, LOW: 1 }, true, []],
    ['critical', { CRITICAL: 1 }, false, ['CRITICAL']],
    ['high', { CRITICAL: 1, HIGH: 2, MEDIUM: 4 }, false, ['CRITICAL', 'HIGH']],
    ['medium', { LOW: 9 }, true, []],
    ['low', { LOW: 1, INFORMATIONAL: 3 }, false, ['LOW']],
    ['informational', { INFORMATIONAL: 1 }, false, ['INFORMATIONAL']],
    ['high', {}, true, []]
  ])('threshold %s with %j -> passed %s', (threshold, counts, passed, blocking) => {
    const v = evaluateScan(scan(counts), threshold)
    expect(v.passed).toBe(passed)
    expect(v.blocking.map((b) => b.severity)).toEqual(blocking)
  })
})

describe('ECR error classification (the one AWS classifier)', () => {
  test.each([
    [{ name: 'ThrottlingException' }, true],
    [{ name: 'ServerException', $metadata: { httpStatusCode: 500 } }, true],
    [{ name: 'X', $metadata: { httpStatusCode: 429 } }, true],
    [{ name: 'TimeoutError' }, true],
    [{ name: 'Error', cause: { code: 'ECONNREFUSED' } }, true],
    [{ name: 'AccessDeniedException', $metadata: { httpStatusCode: 400 } }, false],
    [{ name: 'RepositoryNotFoundException', $metadata: { httpStatusCode: 400 } }, false],
    [{ name: 'InternalError', $fault: 'server' }, true],
    [{ name: 'IDPCommunicationError' }, true],
    [{ name: 'AccessDeniedException', $metadata: { httpStatusCode: 503 } }, false],
    [{ name: 'Error', cause: { name: 'Error', cause: { code: 'ECONNRESET' } } }, true]
  ])('%j retryable: %s', (err, expected) => {
    expect(isRetryableAwsError(err)).toBe(expected)
  })

  test('AccessDenied names the permission to grant', () => {
    const e = ecrError('CreateRepository', { name: 'AccessDeniedException', message: 'User is not authorized' }, 'triton')
    expect(e.message).toBe("ECR CreateRepository for repository 'triton' failed: AccessDeniedException: User is not authorized")
    expect(e.hint).toMatch(/ecr:CreateRepository/)
  })
})
