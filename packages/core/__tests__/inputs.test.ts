import { describe, expect, test } from '@jest/globals'
import { createInputReader, GpushipError, splitList } from '../src/index.js'

const reader = (values: Record<string, string>) => createInputReader((n) => values[n] ?? '')

function thrown(fn: () => unknown): GpushipError {
  try {
    fn()
  } catch (e) {
    return e as GpushipError
  }
  throw new Error('expected an error')
}

describe('input readers', () => {
  test('a missing required string names the input and shows the YAML to add', () => {
    const e = thrown(() => reader({}).string('role-to-assume', { required: true }))
    expect(e).toBeInstanceOf(GpushipError)
    expect(e.input).toBe('role-to-assume')
    expect(e.hint).toContain('role-to-assume: <value>')
  })

  test.each([
    ['true', true],
    ['false', false]
  ])('boolean %s', (raw, value) => {
    expect(reader({ b: raw }).boolean('b')).toBe(value)
  })

  test.each(['yes', 'True', '1', 'on'])('boolean refuses %s', (raw) => {
    const e = thrown(() => reader({ b: raw }).boolean('b'))
    expect(e.message).toBe(`Invalid b '${raw}'. Expected true or false.`)
  })

  test('boolean default applies only when empty', () => {
    expect(reader({}).boolean('b', { default: true })).toBe(true)
  })

  test.each([
    ['900', 900],
    ['43200', 43200]
  ])('integer in range %s', (raw, n) => {
    expect(reader({ d: raw }).integer('d', { min: 900, max: 43200 })).toBe(n)
  })

  test.each(['899', '43201', '1.5', 'abc', '12e3'])('integer out of range or malformed: %s', (raw) => {
    const e = thrown(() => reader({ d: raw }).integer('d', { min: 900, max: 43200 }))
    expect(e.message).toBe(`Invalid d '${raw}'. Expected a whole number from 900 to 43200.`)
  })

  test.each([
    ['90s', 90_000],
    ['5m', 300_000],
    ['1h', 3_600_000],
    ['1h30m', 5_400_000],
    ['250ms', 250]
  ])('duration %s', (raw, ms) => {
    expect(reader({ t: raw }).duration('t')).toBe(ms)
  })

  test.each(['300', '5 minutes', '5M', 'm5', ''])('duration refuses %p', (raw) => {
    const e = thrown(() => reader({ t: raw }).duration('t'))
    expect(e.input).toBe('t')
  })

  test('duration default', () => {
    expect(reader({}).duration('lock-timeout', { default: '5m' })).toBe(300_000)
  })

  test('list splits lines and commas, drops blanks and comments', () => {
    expect(splitList('a, b\n\n# note\nc\r\n d ,')).toEqual(['a', 'b', 'c', 'd'])
    expect(reader({ l: 'x\ny' }).list('l')).toEqual(['x', 'y'])
  })

  test('enum', () => {
    expect(reader({ e: 'docker' }).enumOf('e', ['auto', 'docker', 'buildah'] as const)).toBe('docker')
    expect(thrown(() => reader({ e: 'kaniko' }).enumOf('e', ['auto', 'docker'] as const)).message).toBe("Invalid e 'kaniko'. Expected one of: auto, docker.")
  })

  test('ARN with service and resource prefix', () => {
    const r = reader({ a: 'arn:aws:iam::123456789012:role/deploy', b: 'foo', c: 'arn:aws:s3:::bucket' })
    expect(r.arn('a', { service: 'iam', resourcePrefix: 'role/' })).toBe('arn:aws:iam::123456789012:role/deploy')
    expect(thrown(() => r.arn('b', { service: 'iam', resourcePrefix: 'role/' })).message).toBe("Invalid b 'foo'. Expected arn:aws:iam::<12 digits>:role/<name>.")
    expect(thrown(() => r.arn('c', { service: 'iam', resourcePrefix: 'role/' })).input).toBe('c')
  })

  test('region', () => {
    expect(reader({ r: 'us-east-1' }).region('r')).toBe('us-east-1')
    expect(reader({ r: 'us-gov-west-1' }).region('r')).toBe('us-gov-west-1')
    expect(thrown(() => reader({ r: 'US East' }).region('r')).hint).toContain('us-east-1')
  })

  test('a string pattern echoes the bad value and the expected shape', () => {
    const e = thrown(() => reader({ n: 'bad name!' }).string('n', { pattern: /^[a-z-]+$/, expected: 'lower-case letters and dashes' }))
    expect(e.message).toBe("Invalid n 'bad name!'. Expected lower-case letters and dashes.")
  })
})
