import { describe, test, expect, afterAll } from '@jest/globals'
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { formatProblems, validateModelRepository, findModelRepository } from '../src/model-repository.js'

const roots: string[] = []
afterAll(() => roots.forEach((r) => rmSync(r, { recursive: true, force: true })))

/** Builds a repository from { 'model/config.pbtxt': text, 'model/1/': '' } (a trailing / makes a folder). */
function repo(files: Record<string, string>): string {
  const base = mkdtempSync(join(tmpdir(), 'gpuship-models-'))
  roots.push(base)
  const root = join(base, 'models')
  mkdirSync(root)
  for (const [p, text] of Object.entries(files)) {
    if (p.endsWith('/')) mkdirSync(join(root, p), { recursive: true })
    else {
      mkdirSync(join(root, p, '..'), { recursive: true })
      writeFileSync(join(root, p), text)
    }
  }
  return root
}

const ok = (name: string, extra = '') => `name: "${name}"\nbackend: "python"\n${extra}`

describe('validateModelRepository', () => {
  test('a valid repository with an ensemble passes and lists versions', () => {
    const root = repo({
      'a/config.pbtxt': ok('a'),
      'a/1/model.py': '',
      'a/3/model.py': '',
      'e/config.pbtxt': 'name: "e"\nplatform: "ensemble"\nensemble_scheduling { step [ { model_name: "a" model_version: -1 } ] }\n',
      'e/1/': ''
    })
    const r = validateModelRepository(root, join(root, '..'))
    expect(r.problems).toEqual([])
    expect(r.valid).toBe(true)
    expect(r.models).toEqual([
      { name: 'a', backend: 'python', platform: undefined, versions: [1, 3] },
      { name: 'e', platform: 'ensemble', backend: undefined, versions: [1] }
    ])
  })

  test.each<[string, Record<string, string>, string]>([
    [
      'name mismatch',
      { 'm/config.pbtxt': '\nname: "other"\nbackend: "python"', 'm/1/model.py': '' },
      'models/m/config.pbtxt:2: error: name "other" does not match the model folder \'m\''
    ],
    ['missing name', { 'm/config.pbtxt': 'backend: "python"', 'm/1/model.py': '' }, 'models/m/config.pbtxt:1: error: missing name; add name: "m"'],
    ['no platform or backend', { 'm/config.pbtxt': 'name: "m"', 'm/1/': '' }, 'models/m/config.pbtxt:1: error: neither platform nor backend is set'],
    ['unknown platform', { 'm/config.pbtxt': 'name: "m"\nplatform: "onnx"', 'm/1/': '' }, 'models/m/config.pbtxt:2: error: unknown platform "onnx"'],
    ['no config', { 'm/1/model.py': '' }, "models/m/config.pbtxt: error: model 'm' has no config.pbtxt"],
    ['no version folder', { 'm/config.pbtxt': ok('m') }, "models/m: error: model 'm' has no version folder"],
    ['non-numeric version', { 'm/config.pbtxt': ok('m'), 'm/1/model.py': '', 'm/v2/': '' }, "models/m/v2: error: 'v2' is not a numeric version folder"],
    [
      'syntax error',
      { 'm/config.pbtxt': 'name: "m"\nbackend "python"', 'm/1/': '' },
      "models/m/config.pbtxt:2:9: error: syntax error: expected ':' or '{' after field 'backend'"
    ],
    [
      'duplicate name',
      { 'm/config.pbtxt': 'name: "m"\nname: "m"\nbackend: "python"', 'm/1/model.py': '' },
      "models/m/config.pbtxt:2: error: field 'name' is set 2 times"
    ],
    [
      'bad max_batch_size',
      { 'm/config.pbtxt': ok('m', 'max_batch_size: -1'), 'm/1/model.py': '' },
      "models/m/config.pbtxt:3: error: max_batch_size must be a whole number >= 0, found '-1'"
    ],
    [
      'ensemble names a missing model',
      { 'e/config.pbtxt': 'name: "e"\nplatform: "ensemble"\nensemble_scheduling {\n step [ { model_name: "ghost" } ] }', 'e/1/': '' },
      'models/e/config.pbtxt:4: error: ensemble step names model "ghost"'
    ],
    [
      'version_policy asks for a missing version',
      { 'm/config.pbtxt': ok('m', 'version_policy: { specific: { versions: [1, 2] } }'), 'm/1/model.py': '' },
      'models/m/config.pbtxt:3: error: version_policy asks for version 2'
    ],
    ['empty repository', {}, 'models: error: the model repository has no model folders']
  ])('%s', (_name, files, expected) => {
    const root = repo(files)
    const r = validateModelRepository(root, join(root, '..'))
    expect(r.valid).toBe(false)
    expect(formatProblems(r.problems)).toContain(expected)
  })

  test('a missing model file is a warning, not an error', () => {
    const root = repo({ 'c/config.pbtxt': 'name: "c"\nplatform: "onnxruntime_onnx"', 'c/1/': '' })
    const r = validateModelRepository(root, join(root, '..'))
    expect(r.valid).toBe(true)
    expect(r.problems).toEqual([{ file: 'models/c/1', severity: 'warning', message: expect.stringContaining('no model.onnx') }])
  })

  test('findModelRepository prefers an explicit path, else models/', () => {
    const root = repo({ 'a/config.pbtxt': ok('a') })
    const ctx = join(root, '..')
    expect(findModelRepository(ctx)).toBe(root)
    expect(findModelRepository(ctx, 'elsewhere')).toBe(join(ctx, 'elsewhere'))
    expect(findModelRepository(join(ctx, 'models', 'a'))).toBeUndefined()
  })

  test('a path that is not a folder names the input', () => {
    expect(() => validateModelRepository('/nonexistent/models')).toThrow(/is not a directory/)
  })
})
