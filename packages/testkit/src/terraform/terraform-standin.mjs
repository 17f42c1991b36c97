#!/usr/bin/env node
// A `terraform` stand-in for tests: answers version, init, workspace, plan (-destroy too), show -json,
// apply, state list/rm and force-unlock the way terraform 1.11 does in automation (-no-color), driven by real-format
// `terraform show -json` fixtures and terraform's own error texts. Scenario: the JSON file named
// by GPUSHIP_TF_CONTROL (see standin.ts for its fields). Each call is appended to control.log.
import { appendFileSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { ERRORS } from './standin-errors.mjs'

const controlPath = process.env.GPUSHIP_TF_CONTROL
const control = controlPath && existsSync(controlPath) ? JSON.parse(readFileSync(controlPath, 'utf8')) : {}
const argv = process.argv.slice(2)
const cmd = argv.find((a) => !a.startsWith('-')) ?? ''
const flags = argv.filter((a) => a.startsWith('-'))
const flag = (name) => flags.find((f) => f === `-${name}` || f.startsWith(`-${name}=`))
const flagValue = (name) => flag(name)?.split('=').slice(1).join('=')
const version = control.version ?? '1.11.4'
const PLAN_MAGIC = 'GPUSHIP-STANDIN-PLAN\n'

if (control.log) appendFileSync(control.log, `${JSON.stringify({ argv, cwd: process.cwd(), workspace: currentWorkspace() })}\n`)

function out(s) {
  process.stdout.write(s)
}
function err(s) {
  process.stderr.write(s)
}
function saveControl() {
  if (controlPath) writeFileSync(controlPath, JSON.stringify(control, null, 2))
}
function currentWorkspace() {
  const f = join(process.cwd(), '.terraform', 'environment')
  return existsSync(f) ? readFileSync(f, 'utf8').trim() : 'default'
}
function failWith(key, exit = 1) {
  const text = ERRORS[key] ?? key
  err(text.replace(/\{CREATED\}/g, control.lock?.created ?? '').replace(/\{ID\}/g, control.lock?.id ?? '').replace(/\{WHO\}/g, control.lock?.who ?? '').replace(/\{OPERATION\}/g, control.lock?.operation ?? 'OperationTypePlan').replace(/\{PATH\}/g, control.lock?.path ?? 'octo-tfstate/inference/terraform.tfstate').replace(/\{INFO\}/g, control.lock?.info ?? ''))
  process.exit(exit)
}
function kind(actions) {
  if (actions.includes('delete') && actions.includes('create')) return 'replace'
  if (actions.includes('create')) return 'create'
  if (actions.includes('delete')) return 'delete'
  if (actions.includes('update')) return 'update'
  if (actions.includes('forget')) return 'forget'
  return actions[0]
}
const VERB = { create: 'will be created', update: 'will be updated in-place', delete: 'will be destroyed', replace: 'must be replaced', forget: 'will no longer be managed by Terraform' }
const SIGN = { create: '+', update: '~', delete: '-', replace: '-/+', forget: '.' }

function planText(plan, refreshOnly) {
  const lines = []
  const changes = (plan.resource_changes ?? []).filter((rc) => VERB[kind(rc.change.actions)])
  if (refreshOnly) {
    const drift = plan.resource_drift ?? []
    if (!drift.length) return '\nNo changes. Your infrastructure still matches the configuration.\n\nTerraform has checked that the real remote objects still match the result of\nyour most recent changes, and found no differences.\n'
    lines.push('', 'Note: Objects have changed outside of Terraform', '', 'Terraform detected the following changes made outside of Terraform since the', 'last "terraform apply" which may have affected this plan:', '')
    for (const rd of drift) lines.push(`  # ${rd.address} has ${kind(rd.change.actions) === 'delete' ? 'been deleted' : 'changed'}`, `  ~ resource "${rd.type}" "${rd.name}" {`, '      # (attributes hidden)', '    }', '')
    lines.push('This is a refresh-only plan, so Terraform will not take any actions to undo', 'these. If you were expecting these changes then you can apply this plan to', 'record the updated values in the Terraform state without changing any remote', 'objects.')
    return `${lines.join('\n')}\n`
  }
  if (!changes.length) return '\nNo changes. Your infrastructure matches the configuration.\n\nTerraform has compared your real infrastructure against your configuration\nand found no differences, so no changes are needed.\n'
  lines.push('', 'Terraform used the selected providers to generate the following execution', 'plan. Resource actions are indicated with the following symbols:', '  + create', '  ~ update in-place', '  - destroy', '-/+ destroy and then create replacement', '', 'Terraform will perform the following actions:', '')
  for (const rc of changes) {
    const k = kind(rc.change.actions)
    lines.push(`  # ${rc.address} ${VERB[k]}`, `${SIGN[k].padStart(3)} resource "${rc.type}" "${rc.name}" {`)
    // terraform prints sensitive attributes as "(sensitive value)" and unknown ones as "(known after apply)"
    const shown = rc.change.after ?? rc.change.before ?? {}
    const sens = (rc.change.after ? rc.change.after_sensitive : rc.change.before_sensitive) ?? {}
    for (const [key, v] of Object.entries(shown)) {
      if (sens === true || sens[key] === true) lines.push(`      ${key} = (sensitive value)`)
      else if (typeof v !== 'object' || v === null) lines.push(`      ${key} = ${JSON.stringify(v)}`)
    }
    for (const [key, u] of Object.entries(rc.change.after_unknown ?? {})) if (u === true) lines.push(`      ${key} = (known after apply)`)
    lines.push('    }', '')
  }
  const n = (k) => changes.filter((rc) => kind(rc.change.actions) === k).length
  lines.push(`Plan: ${n('create') + n('replace')} to add, ${n('update')} to change, ${n('delete') + n('replace')} to destroy.`)
  return `${lines.join('\n')}\n`
}

// State addresses: control.state when set, else what the plan fixture manages.
function stateAddresses() {
  if (Array.isArray(control.state)) return control.state
  const file = control.plan
  if (!file || !existsSync(file)) return []
  const plan = JSON.parse(readFileSync(file, 'utf8'))
  return (plan.resource_changes ?? []).filter((rc) => rc.mode !== 'data' && !rc.change.actions.includes('create')).map((rc) => rc.address)
}

function resourceOf(address) {
  const bare = address.replace(/\[[^\]]*\]/g, '')
  const parts = bare.split('.')
  let i = 0
  const modules = []
  while (parts[i] === 'module') {
    modules.push(`module.${parts[i + 1]}`)
    i += 2
  }
  return { module_address: modules.join('.') || undefined, type: parts[i], name: parts[i + 1], index: /\[([^\]]*)\]$/.exec(address)?.[1] }
}

// What `plan -destroy` makes of the state: every managed resource deleted.
function destroyPlan() {
  return {
    format_version: '1.2',
    terraform_version: version,
    resource_changes: stateAddresses().map((address) => {
      const r = resourceOf(address)
      return {
        address,
        ...(r.module_address && { module_address: r.module_address }),
        mode: 'managed',
        type: r.type,
        name: r.name,
        provider_name: `registry.terraform.io/hashicorp/${r.type.split('_')[0]}`,
        change: { actions: ['delete'], before: {}, after: null, after_unknown: {}, before_sensitive: {}, after_sensitive: false }
      }
    }),
    output_changes: {},
    applyable: true,
    complete: true,
    errored: false
  }
}

function loadPlan(refreshOnly) {
  const file = refreshOnly ? control.refreshPlan ?? control.plan : control.plan
  if (!file) failWith('\nError: stand-in has no plan fixture: set "plan" in GPUSHIP_TF_CONTROL\n')
  return JSON.parse(readFileSync(file, 'utf8'))
}

switch (cmd) {
  case 'version': {
    if (flag('json')) out(`${JSON.stringify({ terraform_version: version, platform: 'linux_amd64', provider_selections: {}, terraform_outdated: false }, null, 2)}\n`)
    else out(`Terraform v${version}\non linux_amd64\n`)
    break
  }
  case 'init': {
    if (control.initError) failWith(control.initError)
    mkdirSync(join(process.cwd(), '.terraform'), { recursive: true })
    out('\nInitializing the backend...\n\nSuccessfully configured the backend "s3"! Terraform will automatically\nuse this backend unless the backend configuration changes.\nInitializing provider plugins...\n- Reusing previous version of hashicorp/aws from the dependency lock file\n- Using previously-installed hashicorp/aws v5.80.0\n\nTerraform has been successfully initialized!\n')
    break
  }
  case 'workspace': {
    const name = argv.filter((a) => !a.startsWith('-'))[2]
    mkdirSync(join(process.cwd(), '.terraform'), { recursive: true })
    const known = control.workspaces ?? ['default']
    const created = !known.includes(name)
    if (created) {
      control.workspaces = [...known, name]
      saveControl()
    }
    writeFileSync(join(process.cwd(), '.terraform', 'environment'), name)
    out(created ? `Created and switched to workspace "${name}"!\n\nYou're now on a new, empty workspace. Workspaces isolate their state,\nso if you run "terraform plan" Terraform will not see any existing state\nfor this configuration.\n` : `Switched to workspace "${name}".\n`)
    break
  }
  case 'plan': {
    if (!existsSync(join(process.cwd(), '.terraform'))) failWith('\nError: Backend initialization required, please run "terraform init"\n\nReason: Initial configuration of the requested backend "s3"\n')
    if (control.lock) failWith('lock-held')
    if (control.planError) failWith(control.planError)
    const refreshOnly = Boolean(flag('refresh-only'))
    const plan = flag('destroy') ? destroyPlan() : loadPlan(refreshOnly)
    if (control.planText) out(control.planText)
    out(planText(plan, refreshOnly))
    const outFile = flagValue('out')
    if (outFile) writeFileSync(outFile, PLAN_MAGIC + JSON.stringify({ plan, workspace: currentWorkspace(), refreshOnly }))
    const changed = refreshOnly ? (plan.resource_drift ?? []).length > 0 : (plan.resource_changes ?? []).some((rc) => !['no-op', 'read'].includes(rc.change.actions[0]) || rc.change.importing || rc.previous_address) || Object.values(plan.output_changes ?? {}).some((o) => o.actions[0] !== 'no-op')
    process.exit(flag('detailed-exitcode') && changed ? 2 : 0)
  }
  // eslint-disable-next-line no-fallthrough
  case 'show': {
    const file = argv.filter((a) => !a.startsWith('-'))[1]
    if (!file || !existsSync(file)) failWith(`\nError: Failed to read the given file as a state or plan file\n\nState read error: open ${file}: no such file or directory\n`)
    const text = readFileSync(file, 'utf8')
    if (!text.startsWith(PLAN_MAGIC)) failWith('\nError: Failed to read the given file as a state or plan file\n\nPlan read error: zip: not a valid zip file\n')
    const { plan } = JSON.parse(text.slice(PLAN_MAGIC.length))
    // A real plan carries the time it was made: two plans of the same change differ here.
    out(`${JSON.stringify({ ...plan, timestamp: new Date().toISOString().replace(/\.\d+Z$/, 'Z') })}\n`)
    break
  }
  case 'apply': {
    const file = argv.filter((a) => !a.startsWith('-'))[1]
    if (!file || !existsSync(file)) failWith('\nError: No configuration files\n\nApply requires configuration to be present. Applying without a configuration\nwould mark everything for destruction, which is normally not what is desired.\n')
    if (control.lock) failWith('lock-held')
    const { plan } = JSON.parse(readFileSync(file, 'utf8').slice(PLAN_MAGIC.length))
    if (control.applyText) out(control.applyText)
    const rcs = (plan.resource_changes ?? []).filter((rc) => !['no-op', 'read'].includes(rc.change.actions[0]))
    for (const rc of rcs) out(`${rc.address}: ${kind(rc.change.actions) === 'delete' ? 'Destroying...' : kind(rc.change.actions) === 'create' ? 'Creating...' : 'Modifying...'}\n`)
    if (control.applyError) failWith(control.applyError)
    const n = (k) => rcs.filter((rc) => kind(rc.change.actions) === k).length
    // State after the apply: what was destroyed is gone, what was created is now managed.
    const destroyed = rcs.filter((rc) => kind(rc.change.actions) === 'delete').map((rc) => rc.address)
    const created = rcs.filter((rc) => kind(rc.change.actions) === 'create').map((rc) => rc.address)
    if (destroyed.length || created.length) control.state = [...new Set([...stateAddresses().filter((a) => !destroyed.includes(a)), ...created])]
    control.applied = [...(control.applied ?? []), { file, at: new Date().toISOString() }]
    saveControl()
    out(`\nApply complete! Resources: ${n('create') + n('replace')} added, ${n('update')} changed, ${n('delete') + n('replace')} destroyed.\n`)
    break
  }
  case 'state': {
    const [, sub, ...addresses] = argv.filter((a) => !a.startsWith('-'))
    if (sub === 'list') {
      const list = stateAddresses()
      if (list.length) out(`${list.join('\n')}\n`)
      break
    }
    if (sub === 'rm') {
      if (control.lock) failWith('lock-held')
      const current = stateAddresses()
      const missing = addresses.filter((a) => !current.includes(a))
      if (missing.length) failWith('\nError: Invalid target address\n\nNo matching objects found. To view the available instances, use "terraform\nstate list". Please modify the address to reference a specific instance.\n')
      control.state = current.filter((a) => !addresses.includes(a))
      saveControl()
      for (const a of addresses) out(`Removed ${a}\n`)
      out(`Successfully removed ${addresses.length} resource instance(s).\n`)
      break
    }
    err(`Error: unknown state subcommand "${sub}" for this stand-in (list, rm)\n`)
    process.exit(1)
  }
  // eslint-disable-next-line no-fallthrough
  case 'force-unlock': {
    const id = argv.filter((a) => !a.startsWith('-'))[1]
    if (!control.lock || control.lock.id !== id) failWith(`\nError: Failed to unlock state: failed to retrieve lock info for lock ID "${id}": lock ID does not match existing lock\n`)
    control.lock = undefined
    control.unlocked = [...(control.unlocked ?? []), id]
    saveControl()
    out('Terraform state has been successfully unlocked!\n\nThe state has been unlocked, and Terraform commands should now be able to\nobtain a new lock on the remote state.\n')
    break
  }
  default:
    err(`Terraform has no command named "${cmd}".\n\nTo see all of Terraform's top-level commands, run:\n  terraform -help\n\n`)
    process.exit(1)
}
