import { GpushipError } from '@gpuship/core'

/**
 * The parts of `terraform show -json` (format_version 1.x) that gpuship reads. Everything is
 * optional on purpose: older terraform versions omit fields, and a renderer that crashes on a
 * missing `resource_drift` is worse than one that shows nothing for it.
 */
export type Action = 'no-op' | 'create' | 'read' | 'update' | 'delete' | 'forget'

export interface Change {
  actions: Action[]
  before?: unknown
  after?: unknown
  after_unknown?: unknown
  before_sensitive?: unknown
  after_sensitive?: unknown
  replace_paths?: (string | number)[][]
  importing?: { id?: string; identity?: unknown }
  generated_config?: string
}

export interface ResourceChange {
  address: string
  previous_address?: string
  module_address?: string
  mode?: 'managed' | 'data'
  type?: string
  name?: string
  index?: unknown
  provider_name?: string
  deposed?: string
  change: Change
  action_reason?: string
}

export interface PlanJson {
  format_version: string
  terraform_version?: string
  resource_changes?: ResourceChange[]
  resource_drift?: ResourceChange[]
  output_changes?: Record<string, Change>
  timestamp?: string
  applyable?: boolean
  complete?: boolean
  errored?: boolean
  [key: string]: unknown
}

/** Parses and checks the JSON of `terraform show -json PLANFILE`; `source` names it in errors. */
export function parsePlanJson(text: string, source = 'plan JSON'): PlanJson {
  let data: unknown
  try {
    data = JSON.parse(text)
  } catch (e) {
    throw new GpushipError(`${source} is not JSON: ${(e as Error).message}.`, {
      hint: 'Pass the output of "terraform show -json tfplan" (the plan file, not the text of "terraform plan").'
    })
  }
  return checkPlan(data, source)
}

export function checkPlan(data: unknown, source = 'plan JSON'): PlanJson {
  if (typeof data !== 'object' || data === null || Array.isArray(data)) {
    throw new GpushipError(`${source} is not a terraform plan: expected a JSON object.`, { hint: 'Produce it with "terraform show -json tfplan > plan.json".' })
  }
  const plan = data as PlanJson
  if (typeof plan.format_version !== 'string') {
    throw new GpushipError(`${source} has no format_version: it is not the output of "terraform show -json" for a plan file.`, {
      hint: 'Produce it with "terraform show -json tfplan > plan.json" (a state file or "terraform plan" text will not do).'
    })
  }
  if (!/^1\./.test(plan.format_version)) {
    throw new GpushipError(`${source} has format_version ${plan.format_version}; gpuship reads format 1.x (terraform 0.12 to 1.x).`, {
      hint: 'Render it with a terraform 1.x "show -json".'
    })
  }
  if (plan.resource_changes !== undefined && !Array.isArray(plan.resource_changes)) {
    throw new GpushipError(`${source}: resource_changes is not a list.`, { hint: 'The file is damaged; run "terraform show -json tfplan" again.' })
  }
  for (const rc of plan.resource_changes ?? []) {
    if (typeof rc?.address !== 'string' || !Array.isArray(rc?.change?.actions)) {
      throw new GpushipError(`${source}: a resource change has no address or actions.`, { hint: 'The file is damaged; run "terraform show -json tfplan" again.' })
    }
  }
  return plan
}

/** One resource's kind of change, the way a reviewer thinks about it. */
export type Kind = 'create' | 'update' | 'replace' | 'delete' | 'read' | 'no-op' | 'forget'

export function kindOf(actions: readonly Action[]): Kind {
  if (actions.includes('delete') && actions.includes('create')) return 'replace'
  if (actions.includes('forget')) return actions.includes('create') ? 'replace' : 'forget'
  if (actions.includes('create')) return 'create'
  if (actions.includes('delete')) return 'delete'
  if (actions.includes('update')) return 'update'
  if (actions.includes('read')) return 'read'
  return 'no-op'
}

/** Plain words for terraform's action_reason values; unknown ones are shown as they come. */
export const ACTION_REASONS: Record<string, string> = {
  replace_because_tainted: 'tainted in state',
  replace_because_cannot_update: 'an attribute that forces replacement changed',
  replace_by_request: 'replacement requested (-replace)',
  replace_by_triggers: 'replace_triggered_by changed',
  delete_because_no_resource_config: 'its configuration was removed',
  delete_because_no_module: 'its module was removed',
  delete_because_wrong_repetition: 'count/for_each changed between single and repeated',
  delete_because_count_index: 'its count index is out of range',
  delete_because_each_key: 'its for_each key is gone',
  delete_because_no_move_target: 'its moved target does not exist',
  read_because_config_unknown: 'configuration known only after apply',
  read_because_dependency_pending: 'a dependency has pending changes',
  read_because_check_nested: 'a check block reads it'
}

export function reasonText(reason: string | undefined): string | undefined {
  if (!reason) return undefined
  return ACTION_REASONS[reason] ?? reason
}
