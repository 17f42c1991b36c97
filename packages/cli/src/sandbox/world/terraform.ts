/**
 * testkit's terraform stand-in first on PATH, playing a root that creates the GPU node group. The
 * scenarios set its control file: a held lock (lock-held), a different plan after review
 * (plan-changed, see twists.ts).
 */
import type { Piece, WorldNames } from '../world.js'
import { unavailable } from '../world.js'
import type { Scenario } from '../scenarios.js'
import { missingExports } from '../availability.js'

type Testkit = typeof import('@gpuship/testkit')

export interface TerraformHandle {
  standIn: import('@gpuship/testkit').TerraformStandIn
  /** PATH with the stand-in first and GPUSHIP_TF_CONTROL. */
  env: Record<string, string>
  /** Switch the plan the stand-in produces to another fixture (plan-changed). */
  usePlan(name: string): void
  close(): Promise<void>
}

export const LOCK_ID = '9db590f1-b6fe-c5f2-2678-8804f089deba'

export async function startTerraform(tk: Testkit, names: WorldNames, scenario: Scenario): Promise<Piece<TerraformHandle>> {
  const missing = missingExports(tk, ['createTerraformStandIn', 'fixture'])
  if (missing.length) return unavailable(`testkit/terraform has no ${missing.join(', ')}`) as Piece<TerraformHandle>
  const control: Record<string, unknown> = { plan: tk.fixture('create') }
  if (scenario.name === 'lock-held') {
    const created = new Date(Date.now() - 42 * 60_000)
    control.lock = {
      id: LOCK_ID,
      who: 'runner@fv-az1234-567',
      created: typeof tk.goTime === 'function' ? tk.goTime(created) : created.toISOString(),
      operation: 'OperationTypeApply',
      path: `gpuship-tfstate/${names.cluster}.tfstate`
    }
  }
  const standIn = tk.createTerraformStandIn(control)
  return {
    available: true,
    handle: {
      standIn,
      env: standIn.env,
      usePlan: (name) => standIn.update({ plan: tk.fixture(name) }),
      close: async () => {}
    },
    describe: [`terraform stand-in   ${standIn.binDir}/terraform (plans ${scenario.name === 'lock-held' ? 'blocked by a held lock' : 'create the GPU node group'})`]
  }
}
