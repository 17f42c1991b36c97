/** The GitHub REST simulator: the pull request the plan comments on, issues, runs. */
import type { Piece, WorldNames } from '../world.js'
import { unavailable } from '../world.js'

type Testkit = Record<string, any>

export interface GithubHandle {
  sim: any
  env: Record<string, string>
  /** Bodies of the comments on the sandbox's pull request, oldest first. */
  comments(): string[]
  close(): Promise<void>
}

export async function startGithub(tk: Testkit, _names: WorldNames): Promise<Piece<GithubHandle>> {
  if (typeof tk.createGithubSimulator !== 'function') return unavailable('testkit/github exports no GitHub simulator yet') as Piece<GithubHandle>
  return unavailable('testkit/github landed after this sandbox build was written') as Piece<GithubHandle>
}
