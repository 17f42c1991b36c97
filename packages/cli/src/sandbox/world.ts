/**
 * The simulated world a sandbox job runs in: GitHub (OIDC issuer, REST API), AWS (STS, EKS,
 * ECR), the Kubernetes API server with Triton and DCGM behind its pods, an OCI registry and the
 * terraform stand-in. Each piece is started from testkit when this build has it; a piece that
 * has not landed is recorded with the reason, and the steps that need it say so instead of running.
 */
import type { Scenario } from './scenarios.js'
import type { RegistryChoice } from './options.js'

export interface Piece<T = unknown> {
  available: boolean
  reason?: string
  handle?: T
  /** Lines for the terminal and for --serve (endpoints, how to reach it). */
  describe: string[]
}

export interface WorldPieces {
  oidc: Piece
  aws: Piece
  github: Piece
  kube: Piece
  registry: Piece
  terraform: Piece
}

export interface World {
  pieces: WorldPieces
  /** Folder for kubeconfig, registry storage, terraform state: removed by close(). */
  dir: string
  /** Fixed names the steps share: account, role, cluster, repository. */
  names: WorldNames
  close(): Promise<void>
}

export interface WorldNames {
  account: string
  region: string
  repository: string
  roleName: string
  roleArn: string
  cluster: string
  ecrRepository: string
  namespace: string
  deployment: string
  pullNumber: number
}

export interface WorldOptions {
  scenario: Scenario
  registry: RegistryChoice
  install: boolean
  log: (line: string) => void
  dir: string
}

export const NAMES: WorldNames = {
  account: '123456789012',
  region: 'us-east-1',
  repository: 'octo-org/inference',
  roleName: 'gpuship-deploy',
  roleArn: 'arn:aws:iam::123456789012:role/gpuship-deploy',
  cluster: 'gpu-sandbox',
  ecrRepository: 'triton',
  namespace: 'inference',
  deployment: 'triton',
  pullNumber: 7
}

export const unavailable = (reason: string): Piece => ({ available: false, reason, describe: [] })

/** Starts one piece; a thrown error is recorded as the piece's reason, not raised. */
export async function startPiece<T>(name: string, start: () => Promise<Piece<T>>): Promise<Piece<T>> {
  try {
    return await start()
  } catch (err) {
    return { available: false, reason: `${name} did not start: ${err instanceof Error ? err.message : String(err)}`, describe: [] }
  }
}
