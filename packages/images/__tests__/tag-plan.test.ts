import { describe, test, expect } from '@jest/globals'
import { planTags } from '../src/tag-plan.js'

const D1 = `sha256:${'1'.repeat(64)}`
const D2 = `sha256:${'2'.repeat(64)}`
const base = { repository: 'triton', skipIfExists: true, force: false, immutable: true }

describe('planTags', () => {
  test.each<[string, string[], [string, string][], Partial<typeof base>, { skip: boolean; pushTags: string[]; warnings: number }]>([
    ['nothing exists: build every tag', ['a', 'b'], [], {}, { skip: false, pushTags: ['a', 'b'], warnings: 0 }],
    [
      'every tag exists: skip',
      ['a', 'b'],
      [
        ['a', D1],
        ['b', D1]
      ],
      {},
      { skip: true, pushTags: ['a', 'b'], warnings: 0 }
    ],
    [
      'every tag exists on different images: skip with a warning',
      ['a', 'b'],
      [
        ['a', D1],
        ['b', D2]
      ],
      {},
      { skip: true, pushTags: ['a', 'b'], warnings: 1 }
    ],
    [
      'one new tag in an immutable repository: push only it',
      ['sha', 'triton-24.09'],
      [['sha', D1]],
      {},
      { skip: false, pushTags: ['triton-24.09'], warnings: 1 }
    ],
    [
      'one new tag in a mutable repository: push all (moves the old tag)',
      ['sha', 'new'],
      [['sha', D1]],
      { immutable: false },
      { skip: false, pushTags: ['sha', 'new'], warnings: 0 }
    ],
    ['force in a mutable repository: rebuild every tag', ['a'], [['a', D1]], { force: true, immutable: false }, { skip: false, pushTags: ['a'], warnings: 0 }],
    [
      'skip-if-exists false in a mutable repository: rebuild',
      ['a'],
      [['a', D1]],
      { skipIfExists: false, immutable: false },
      { skip: false, pushTags: ['a'], warnings: 0 }
    ]
  ])('%s', (_name, tags, existing, over, expected) => {
    const plan = planTags(tags, new Map(existing), { ...base, ...over })
    expect({ skip: plan.skip, pushTags: plan.pushTags, warnings: plan.warnings.length }).toEqual(expected)
  })

  test.each([
    ['force', { force: true }],
    ['tags', { skipIfExists: false }]
  ])('every tag existing in an immutable repository is refused, naming input %s', (input, over) => {
    expect(() => planTags(['a'], new Map([['a', D1]]), { ...base, ...over })).toThrow(
      expect.objectContaining({ input, message: expect.stringMatching(/has immutable tags, so it cannot be pushed again/) })
    )
  })
})
