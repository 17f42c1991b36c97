import { copyFileSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { createHash } from 'node:crypto'
import type { CommentKey } from './pr-comment.js'

/**
 * Where a reviewed plan is kept between the plan job and the apply job. On GitHub (an
 * ACTIONS_RUNTIME_TOKEN is present) the files go up as an artifact; locally and in the
 * sandbox they stay in `plan-dir`. Either way apply trusts only the hash recorded in the PR
 * comment: the stored files are evidence for the diff shown when the hash differs.
 */
export interface StoredPlan {
  dir: string
  planFile: string
  jsonFile: string
  metaFile: string
}

export interface PlanMeta {
  hash: string
  key: CommentKey
  sha?: string
  run?: string
}

/** A filesystem- and artifact-safe name for a key: readable prefix plus a digest. */
export function keySlug(key: CommentKey): string {
  const readable = `${key.label || 'root'}-${key.dir}-${key.workspace}`.replace(/[^A-Za-z0-9._-]+/g, '_').replace(/^_+|_+$/g, '').slice(0, 60)
  const digest = createHash('sha256').update(JSON.stringify(key)).digest('hex').slice(0, 10)
  return `${readable}-${digest}`
}

export function artifactName(key: CommentKey): string {
  return `terraform-plan-${keySlug(key)}`
}

export function storePlan(root: string, key: CommentKey, files: { planFile: string; json: string }, meta: PlanMeta): StoredPlan {
  const dir = join(root, keySlug(key))
  mkdirSync(dir, { recursive: true })
  const stored = { dir, planFile: join(dir, 'tfplan'), jsonFile: join(dir, 'plan.json'), metaFile: join(dir, 'meta.json') }
  if (files.planFile !== stored.planFile) copyFileSync(files.planFile, stored.planFile)
  writeFileSync(stored.jsonFile, files.json, { mode: 0o600 })
  writeFileSync(stored.metaFile, JSON.stringify(meta, null, 2))
  return stored
}

export function loadStoredPlan(root: string, key: CommentKey): { stored: StoredPlan; meta: PlanMeta; json: string } | undefined {
  const dir = join(root, keySlug(key))
  const stored = { dir, planFile: join(dir, 'tfplan'), jsonFile: join(dir, 'plan.json'), metaFile: join(dir, 'meta.json') }
  if (!existsSync(stored.metaFile) || !existsSync(stored.jsonFile)) return undefined
  return { stored, meta: JSON.parse(readFileSync(stored.metaFile, 'utf8')) as PlanMeta, json: readFileSync(stored.jsonFile, 'utf8') }
}
