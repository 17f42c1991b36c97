import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs'
import { join, relative } from 'node:path'
import { GpushipError } from '@gpuship/core'
import { fieldsNamed, messageField, parsePbtxt, PbtxtSyntaxError, scalarField, type PbMessage } from './pbtxt-parser.js'

/**
 * Checks a Triton model repository before an image is built from it, so a typo in a
 * config.pbtxt fails the pull request instead of a pod that starts and serves nothing. The rules
 * are the ones Triton itself enforces at load time (name matches the folder, a platform or a
 * backend, numeric version folders) plus cheap cross-checks (ensemble steps name real models).
 */
export interface ModelProblem {
  /** Path relative to the repository root's parent (what a user sees in the PR). */
  file: string
  line?: number
  column?: number
  severity: 'error' | 'warning'
  message: string
}

export interface ModelSummary {
  name: string
  platform?: string
  backend?: string
  versions: number[]
}

export interface ModelRepositoryReport {
  root: string
  valid: boolean
  models: ModelSummary[]
  problems: ModelProblem[]
}

const PLATFORMS: Record<string, string | undefined> = {
  tensorrt_plan: 'model.plan',
  tensorflow_graphdef: 'model.graphdef',
  tensorflow_savedmodel: 'model.savedmodel',
  onnxruntime_onnx: 'model.onnx',
  pytorch_libtorch: 'model.pt',
  ensemble: undefined
}
const BACKEND_FILES: Record<string, string> = {
  python: 'model.py',
  onnxruntime: 'model.onnx',
  pytorch: 'model.pt',
  tensorrt: 'model.plan',
  openvino: 'model.xml'
}

function isDir(p: string): boolean {
  try {
    return statSync(p).isDirectory()
  } catch {
    return false
  }
}

export function validateModelRepository(root: string, base = root): ModelRepositoryReport {
  if (!isDir(root)) {
    throw new GpushipError(`Model repository '${root}' is not a directory.`, {
      input: 'model-repository',
      hint: 'Point it at the folder that holds one sub-folder per model (the one tritonserver gets as --model-repository).'
    })
  }
  const problems: ModelProblem[] = []
  const models: ModelSummary[] = []
  const configs = new Map<string, { msg: PbMessage; file: string }>()
  const shown = (p: string) => relative(base, p) || '.'
  const dirs = readdirSync(root)
    .filter((d) => !d.startsWith('.') && isDir(join(root, d)))
    .sort()
  if (dirs.length === 0)
    problems.push({
      file: shown(root),
      severity: 'error',
      message: 'the model repository has no model folders; each model needs <repository>/<model>/config.pbtxt and <repository>/<model>/1/'
    })

  for (const dir of dirs) {
    const modelDir = join(root, dir)
    const cfgPath = join(modelDir, 'config.pbtxt')
    const file = shown(cfgPath)
    if (!existsSync(cfgPath)) {
      problems.push({ file, severity: 'error', message: `model '${dir}' has no config.pbtxt; add one with name: "${dir}" and a platform or backend` })
      continue
    }
    let msg: PbMessage
    try {
      msg = parsePbtxt(readFileSync(cfgPath, 'utf8'))
    } catch (e) {
      if (e instanceof PbtxtSyntaxError) {
        problems.push({ file, line: e.line, column: e.column, severity: 'error', message: `syntax error: ${e.message}` })
        continue
      }
      throw e
    }
    configs.set(dir, { msg, file })
    const summary = checkConfig(dir, msg, file, modelDir, problems, shown)
    models.push(summary)
  }
  checkEnsembles(configs, new Set(dirs), problems)
  return { root, valid: !problems.some((p) => p.severity === 'error'), models, problems }
}

function checkConfig(dir: string, msg: PbMessage, file: string, modelDir: string, problems: ModelProblem[], shown: (p: string) => string): ModelSummary {
  const err = (message: string, line?: number) => problems.push({ file, line, severity: 'error', message })
  for (const single of ['name', 'platform', 'backend', 'max_batch_size']) {
    const all = fieldsNamed(msg, single)
    if (all.length > 1) err(`field '${single}' is set ${all.length} times (lines ${all.map((f) => f.line).join(', ')}); keep one`, all[1].line)
  }
  const name = scalarField(msg, 'name')
  if (!name) err(`missing name; add name: "${dir}" (Triton requires it to match the folder)`, 1)
  else if (name.kind !== 'string') err(`name must be a quoted string, e.g. name: "${dir}"`, name.line)
  else if (name.text !== dir) err(`name "${name.text}" does not match the model folder '${dir}'; rename one so they agree`, name.line)

  const platform = scalarField(msg, 'platform')
  const backend = scalarField(msg, 'backend')
  if (!platform && !backend) err(`neither platform nor backend is set; add e.g. backend: "onnxruntime" or platform: "onnxruntime_onnx"`, 1)
  if (platform && !(platform.text in PLATFORMS)) {
    err(`unknown platform "${platform.text}"; expected one of ${Object.keys(PLATFORMS).join(', ')} (or set backend: instead)`, platform.line)
  }
  const mbs = scalarField(msg, 'max_batch_size')
  if (mbs && (mbs.kind !== 'number' || !/^\d+$/.test(mbs.text))) err(`max_batch_size must be a whole number >= 0, found '${mbs.text}'`, mbs.line)

  const versions: number[] = []
  for (const entry of readdirSync(modelDir).sort()) {
    if (entry.startsWith('.') || !isDir(join(modelDir, entry))) continue
    if (/^\d+$/.test(entry)) versions.push(Number(entry))
    else
      problems.push({
        file: shown(join(modelDir, entry)),
        severity: 'error',
        message: `'${entry}' is not a numeric version folder; Triton loads only <model>/<N>/ (rename it to e.g. 1)`
      })
  }
  versions.sort((a, b) => a - b)
  if (versions.length === 0)
    problems.push({
      file: shown(modelDir),
      severity: 'error',
      message: `model '${dir}' has no version folder; add ${shown(join(modelDir, '1'))}/ with the model file`
    })

  const policy = messageField(msg, 'version_policy')
  const specific = policy && messageField(policy, 'specific')
  if (specific) {
    for (const v of fieldsNamed(specific, 'versions')) {
      const s = v.value.kind === 'message' ? undefined : v.value.text
      if (s !== undefined && !versions.includes(Number(s))) err(`version_policy asks for version ${s} but ${shown(join(modelDir, s))}/ does not exist`, v.line)
    }
  }

  const defaultName =
    scalarField(msg, 'default_model_filename')?.text ?? (platform ? PLATFORMS[platform.text] : backend ? BACKEND_FILES[backend.text] : undefined)
  if (defaultName) {
    for (const v of versions) {
      if (!existsSync(join(modelDir, String(v), defaultName))) {
        problems.push({
          file: shown(join(modelDir, String(v))),
          severity: 'warning',
          message: `version ${v} has no ${defaultName}; Triton will fail to load it unless the file is added at build time`
        })
      }
    }
  }
  return { name: dir, platform: platform?.text, backend: backend?.text, versions }
}

function checkEnsembles(configs: Map<string, { msg: PbMessage; file: string }>, names: Set<string>, problems: ModelProblem[]): void {
  for (const [, { msg, file }] of configs) {
    if (scalarField(msg, 'platform')?.text !== 'ensemble') continue
    const sched = messageField(msg, 'ensemble_scheduling')
    const steps = sched ? fieldsNamed(sched, 'step') : []
    if (steps.length === 0)
      problems.push({ file, line: 1, severity: 'error', message: 'an ensemble needs ensemble_scheduling { step [ { model_name: "..." } ] }' })
    for (const step of steps) {
      if (step.value.kind !== 'message') continue
      const target = scalarField(step.value, 'model_name')
      if (target && !names.has(target.text))
        problems.push({ file, line: target.line, severity: 'error', message: `ensemble step names model "${target.text}", which is not in the repository` })
    }
  }
}

/** One problem per line as `file:line: severity: message`, the shape editors and CI annotate. */
export function formatProblems(problems: ModelProblem[]): string {
  return problems.map((p) => `${p.file}${p.line ? `:${p.line}` : ''}${p.column ? `:${p.column}` : ''}: ${p.severity}: ${p.message}`).join('\n')
}

/** Finds the model repository inside a build context: an explicit path, else `models/` or `model_repository/`. */
export function findModelRepository(context: string, explicit?: string): string | undefined {
  if (explicit) return join(context, explicit)
  for (const c of ['model_repository', 'models', 'model-repository']) if (isDir(join(context, c))) return join(context, c)
  return undefined
}
