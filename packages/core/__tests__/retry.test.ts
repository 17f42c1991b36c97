import { describe, expect, test } from '@jest/globals'
import { backoffDelay, GpushipError, parseRetryAfter, retry } from '../src/index.js'

describe('retry', () => {
  test('retries retryable errors with full-jitter delays, then succeeds', async () => {
    const delays: number[] = []
    let calls = 0
    const value = await retry(
      async () => {
        calls++
        if (calls < 3) throw new GpushipError('throttled', { retryable: true })
        return 'ok'
      },
      { baseMs: 100, maxMs: 1000, sleep: async (ms) => void delays.push(ms), random: () => 0.5 }
    )
    expect(value).toBe('ok')
    expect(calls).toBe(3)
    expect(delays).toEqual([50, 100])
  })

  test('never retries an error that is not marked retryable', async () => {
    let calls = 0
    await expect(
      retry(
        async () => {
          calls++
          throw new GpushipError('AccessDenied')
        },
        { sleep: async () => {} }
      )
    ).rejects.toThrow('AccessDenied')
    expect(calls).toBe(1)
  })

  test('the last error propagates untouched after maxAttempts', async () => {
    const last = new GpushipError('still down', { retryable: true })
    let calls = 0
    await expect(
      retry(
        async () => {
          calls++
          throw last
        },
        { maxAttempts: 4, sleep: async () => {} }
      )
    ).rejects.toBe(last)
    expect(calls).toBe(4)
  })

  test('Retry-After wins over a shorter jitter', async () => {
    const delays: number[] = []
    let calls = 0
    await retry(
      async () => {
        if (++calls === 1) throw new GpushipError('slow down', { retryable: true, retryAfterMs: 3000 })
        return 1
      },
      { baseMs: 100, maxMs: 1000, sleep: async (ms) => void delays.push(ms), random: () => 0.1 }
    )
    expect(delays).toEqual([3000])
  })

  test('custom isRetryable', async () => {
    let calls = 0
    await retry(
      async () => {
        if (++calls < 2) throw Object.assign(new Error('x'), { name: 'ThrottlingException' })
        return 1
      },
      { isRetryable: (e) => (e as Error).name === 'ThrottlingException', sleep: async () => {} }
    )
    expect(calls).toBe(2)
  })

  test.each([
    [1, 100, 10_000, 0.999, 99],
    [3, 100, 10_000, 0.999, 399],
    [10, 100, 1000, 0.999, 999]
  ])('backoffDelay attempt %i', (attempt, base, max, r, expected) => {
    expect(backoffDelay(attempt, base, max, () => r)).toBe(expected)
  })

  test('parseRetryAfter', () => {
    expect(parseRetryAfter('2')).toBe(2000)
    expect(parseRetryAfter(new Date(10_000).toUTCString(), 4000)).toBe(6000)
    expect(parseRetryAfter('soon')).toBeUndefined()
    expect(parseRetryAfter(undefined)).toBeUndefined()
  })
})
