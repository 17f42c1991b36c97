import { describe, expect, test } from '@jest/globals'
import { execFileSync, spawnSync } from 'node:child_process'
import { copyFileSync, existsSync, mkdtempSync, readFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { createTerraformStandIn, fixture, goTime, TERRAFORM_FIXTURES } from '../src/index.js'

function tf(s: ReturnType<typeof createTerraformStandIn>, args: string[], cwd: string) {
  return spawnSync('terraform', args, { cwd, env: { ...process.env, ...s.env }, encoding: 'utf8' })
}

describe('terraform stand-in', () => {
  test('init, plan -detailed-exitcode, show -json of the saved plan, apply', () => {
    const s = createTerraformStandIn({ plan: fixture('create') })
    const wd = mkdtempSync(join(tmpdir(), 'gpuship-standin-'))
    expect(tf(s, ['plan', '-input=false'], wd).stderr).toContain('Backend initialization required')
    expect(tf(s, ['init', '-input=false', '-backend-config=bucket=b'], wd).status).toBe(0)
    const plan = tf(s, ['plan', '-input=false', '-detailed-exitcode', '-out=tfplan'], wd)
    expect(plan.status).toBe(2)
    expect(plan.stdout).toContain('Plan: 2 to add, 0 to change, 0 to destroy.')
    // a saved plan keeps what was planned even when the scenario moves on
    s.update({ plan: fixture('no-changes') })
    const shown = JSON.parse(tf(s, ['show', '-json', 'tfplan'], wd).stdout)
    expect(shown.resource_changes).toEqual(JSON.parse(readFileSync(fixture('create'), 'utf8')).resource_changes)
    expect(tf(s, ['plan', '-detailed-exitcode', '-out=tfplan2'], wd).status).toBe(0)
    const applied = tf(s, ['apply', '-input=false', 'tfplan'], wd)
    expect(applied.stdout).toContain('Apply complete! Resources: 2 added, 0 changed, 0 destroyed.')
    expect(s.calls().map((c) => c.argv[0])).toEqual(['plan', 'init', 'plan', 'show', 'plan', 'apply'])
  })

  test('a held lock blocks plan until force-unlock with the right ID', () => {
    const s = createTerraformStandIn({ plan: fixture('create'), lock: { id: 'L-1', who: 'runner@h', created: goTime(new Date('2026-12-04T10:00:00Z')) } })
    const wd = mkdtempSync(join(tmpdir(), 'gpuship-standin-'))
    tf(s, ['init'], wd)
    const held = tf(s, ['plan', '-out=p'], wd)
    expect(held.status).toBe(1)
    expect(held.stderr).toContain('Error acquiring the state lock')
    expect(held.stderr).toContain('ID:        L-1')
    expect(held.stderr).toContain('Created:   2026-12-04 10:00:00.000000000 +0000 UTC')
    expect(tf(s, ['force-unlock', '-force', 'L-2'], wd).status).toBe(1)
    expect(tf(s, ['force-unlock', '-force', 'L-1'], wd).stdout).toContain('successfully unlocked')
    expect(tf(s, ['plan', '-out=p'], wd).status).toBe(0)
  })

  test('refresh-only uses the drift fixture; workspaces are created once', () => {
    const s = createTerraformStandIn({ plan: fixture('no-changes'), refreshPlan: fixture('drift') })
    const wd = mkdtempSync(join(tmpdir(), 'gpuship-standin-'))
    tf(s, ['init'], wd)
    expect(tf(s, ['workspace', 'select', '-or-create=true', 'prod'], wd).stdout).toContain('Created and switched to workspace "prod"!')
    expect(tf(s, ['workspace', 'select', '-or-create=true', 'prod'], wd).stdout).toContain('Switched to workspace "prod".')
    const r = tf(s, ['plan', '-refresh-only', '-detailed-exitcode', '-out=p'], wd)
    expect(r.status).toBe(2)
    expect(r.stdout).toContain('Objects have changed outside of Terraform')
    expect(s.calls().at(-1)!.workspace).toBe('prod')
  })

  // Fidelity: where a real terraform is installed, the same commands on a terraform_data root
  // (built in, so offline) give output of the same shape as the stand-in's.
  const real = ['/usr/local/bin/terraform', '/usr/bin/terraform'].find((p) => existsSync(p))
  ;(real ? test : test.skip)('the real terraform agrees with the stand-in on exit codes and show -json shape', () => {
    const wd = mkdtempSync(join(tmpdir(), 'gpuship-realtf-'))
    copyFileSync(join(TERRAFORM_FIXTURES, 'real', 'stage1.tf'), join(wd, 'main.tf'))
    const env = { ...process.env, TF_CLI_CONFIG_FILE: '/dev/null', TF_IN_AUTOMATION: '1' }
    execFileSync(real!, ['init', '-input=false', '-no-color'], { cwd: wd, env })
    const plan = spawnSync(real!, ['plan', '-input=false', '-no-color', '-detailed-exitcode', '-out=tfplan', '-lock-timeout=5s'], { cwd: wd, env, encoding: 'utf8' })
    expect(plan.status).toBe(2)
    const shown = JSON.parse(execFileSync(real!, ['show', '-json', 'tfplan'], { cwd: wd, env, encoding: 'utf8' }))
    const s = createTerraformStandIn({ plan: fixture('real-create') })
    const swd = mkdtempSync(join(tmpdir(), 'gpuship-standin-'))
    tf(s, ['init'], swd)
    expect(tf(s, ['plan', '-detailed-exitcode', '-out=tfplan'], swd).status).toBe(2)
    const standin = JSON.parse(tf(s, ['show', '-json', 'tfplan'], swd).stdout)
    expect(Object.keys(standin).sort()).toEqual(Object.keys(shown).sort())
    expect(shown.format_version).toBe(standin.format_version)
    expect(shown.resource_changes.map((r: { address: string }) => r.address)).toEqual(standin.resource_changes.map((r: { address: string }) => r.address))
    const version = JSON.parse(execFileSync(real!, ['version', '-json'], { env, encoding: 'utf8' }))
    const sv = JSON.parse(tf(s, ['version', '-json'], swd).stdout)
    expect(Object.keys(sv).sort()).toEqual(Object.keys(version).sort())
  })
})
