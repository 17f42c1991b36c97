import { describe, expect, test } from '@jest/globals'
import { DEFAULT_CRITICAL_XIDS, DEFAULT_POLICY, XID_MEANINGS, loadPolicyYaml, resolvePolicy } from '../src/index.js'

describe('GPU policy', () => {
  test('safe defaults', () => {
    expect(DEFAULT_POLICY).toMatchObject({ failureLimit: 0, inconclusiveLimit: 1, consecutiveErrorLimit: 4, temperature: { maxC: 85 }, eccDoubleBit: { max: 0 } })
    for (const x of [48, 63, 64, 74, 79, 92, 94, 95]) {
      expect(DEFAULT_CRITICAL_XIDS).toContain(x)
      expect(XID_MEANINGS[x]).toBeTruthy()
    }
  })

  test('YAML overrides merge over the defaults; durations accepted', () => {
    const p = loadPolicyYaml('failureLimit: 1\ntemperature:\n  maxC: 80\n  whenNaN: fail\nxid:\n  critical: [79]\nwindow:\n  samples: 3\n  interval: 15s\nthrottling:\n  reasons: [hw_thermal]\n')
    expect(p.failureLimit).toBe(1)
    expect(p.temperature).toEqual({ enabled: true, maxC: 80, whenNaN: 'fail' })
    expect(p.xid.critical).toEqual([79])
    expect(p.window).toEqual({ samples: 3, intervalMs: 15_000 })
    expect(p.throttling.reasons).toEqual(['hw_thermal'])
    expect(p.memoryTemperature.maxC).toBe(95)
    // the defaults are not mutated
    expect(DEFAULT_POLICY.temperature.maxC).toBe(85)
  })

  test('an empty file is the defaults', () => {
    expect(loadPolicyYaml('')).toEqual(DEFAULT_POLICY)
  })

  test.each([
    ['temprature:\n  maxC: 80\n', 'temprature', /unknown key/, /Known keys: failureLimit, /],
    ['temperature:\n  maxC: hot\n', 'temperature.maxC', /expected a number, got "hot"/, /between 0 and 150/],
    ['temperature:\n  maxC: 300\n', 'temperature.maxC', /300 is outside 0\.\.150/, /between 0 and 150/],
    ['failureLimit: 1.5\n', 'failureLimit', /expected an integer/, /integer/],
    ['xid:\n  critical: 79\n', 'xid.critical', /expected a list of XID numbers/, /\[48, 63/],
    ['xid:\n  critical: [79, "x"]\n', 'xid.critical[1]', /expected an integer/, /integer/],
    ['whenMissing: ignore\n', 'whenMissing', /expected one of inconclusive, fail, skip/, /inconclusive/],
    ['window:\n  interval: soon\n', 'window.interval', /expected a duration/, /10s/],
    ['throttling:\n  reasons: [too_hot]\n', 'throttling.reasons[0]', /unknown throttle reason "too_hot"/, /sw_power_cap, hw_slowdown/],
    ['temperature: 80\n', 'temperature', /expected a mapping/, /maxC/],
    ['utilization:\n  always: yes\n', 'utilization.always', /expected true or false/, /true/]
  ])('%j is an error naming %s and the fix', (yaml, key, what, fix) => {
    let err: { message: string; hint?: string; input?: string } | undefined
    try {
      loadPolicyYaml(yaml, 'gpu-policy.yaml')
    } catch (e) {
      err = e as typeof err
    }
    expect(err?.message).toContain(`gpu-policy.yaml: Invalid GPU policy key "${key}"`)
    expect(err?.message).toMatch(what)
    expect(err?.hint).toMatch(fix)
    expect(err?.input).toBe(key)
  })

  test('invalid YAML names the file', () => {
    expect(() => loadPolicyYaml('a: [1,\n', 'p.yaml')).toThrow(/p\.yaml is not valid YAML/)
    expect(() => resolvePolicy([1, 2])).toThrow(/must be a mapping/)
  })
})
