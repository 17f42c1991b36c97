/**
 * The GitHub REST simulator holding the sandbox's repository and its open pull request, on which
 * terraform-plan posts (and terraform-apply updates) the sticky comment.
 */
import type { Piece, WorldNames } from '../world.js'
import { unavailable } from '../world.js'
import { missingExports } from '../availability.js'

type Testkit = typeof import('@gpuship/testkit')

export const HEAD_SHA = 'a1b2c3d4e5f60718293a4b5c6d7e8f9012345678'

export interface GithubHandle {
  sim: import('@gpuship/testkit').GitHubSimulator
  /** The token the simulator accepts for github-actions[bot] (what GITHUB_TOKEN is on a runner). */
  token: string
  env: Record<string, string>
  /** Bodies of the comments on the sandbox's pull request, oldest first. */
  comments(): string[]
  close(): Promise<void>
}

export async function startGithub(tk: Testkit, names: WorldNames): Promise<Piece<GithubHandle>> {
  const missing = missingExports(tk, ['startGitHubSimulator'])
  if (missing.length) return unavailable(`testkit/github has no ${missing.join(', ')}`) as Piece<GithubHandle>
  const sim = await tk.startGitHubSimulator()
  const token: string = tk.DEFAULT_TOKEN
  sim.state.addIssue(names.repository, {
    number: names.pullNumber,
    title: 'Add a GPU node group for Triton',
    user: { login: 'octocat', id: 1, type: 'User' },
    pull: { head: { ref: 'gpu-nodes', sha: HEAD_SHA }, base: { ref: 'main' }, merged: false }
  })
  const repo = () => sim.state.repo(names.repository, false)
  return {
    available: true,
    handle: {
      sim,
      token,
      env: { GITHUB_API_URL: sim.url, GITHUB_TOKEN: token },
      comments: () => [...(repo()?.comments.values() ?? [])].filter((c) => c.issue === names.pullNumber).map((c) => String(c.body)),
      close: () => sim.stop()
    },
    describe: [`GitHub REST API      ${sim.url}  pull request #${names.pullNumber} in ${names.repository} (token ${token})`]
  }
}
