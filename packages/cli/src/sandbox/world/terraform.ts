/** The terraform stand-in executable on PATH, with the state and lock the scenarios need. */
import type { Piece, WorldNames } from '../world.js'
import { unavailable } from '../world.js'
import type { Scenario } from '../scenarios.js'

type Testkit = Record<string, any>

export interface TerraformHandle {
  /** Folder to prepend to PATH so `terraform` is the stand-in. */
  binDir: string
  env: Record<string, string>
  close(): Promise<void>
}

export async function startTerraform(tk: Testkit, _names: WorldNames, _scenario: Scenario, _dir: string): Promise<Piece<TerraformHandle>> {
  if (typeof tk.installTerraformStandIn !== 'function') return unavailable('testkit/terraform exports no terraform stand-in yet') as Piece<TerraformHandle>
  return unavailable('testkit/terraform landed after this sandbox build was written') as Piece<TerraformHandle>
}
