/**
 * The job's checkout: a Terraform root for the plan/apply steps and a Triton build context
 * (Dockerfile + model repository) for the image step, copied from the repository's examples.
 */
import { cpSync, existsSync, mkdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'

export function prepareWorkspace(repoRoot: string, dir: string): string {
  const ws = join(dir, 'workspace')
  mkdirSync(ws, { recursive: true })
  const tfExample = join(repoRoot, 'terraform', 'examples', 'triton-gpu-cluster')
  if (existsSync(join(tfExample, 'main.tf'))) cpSync(tfExample, join(ws, 'terraform'), { recursive: true })
  else {
    mkdirSync(join(ws, 'terraform'), { recursive: true })
    writeFileSync(join(ws, 'terraform', 'main.tf'), 'terraform {\n  backend "s3" {}\n}\n')
  }
  // The example's models with a FROM-scratch Dockerfile: the sandbox builds offline, and the
  // simulated kubelet runs Triton's behaviour, not the NGC image.
  const ctx = join(ws, 'model-server')
  const models = join(repoRoot, 'docs', 'examples', 'triton-image', 'models')
  mkdirSync(ctx, { recursive: true })
  if (existsSync(models)) cpSync(models, join(ctx, 'models'), { recursive: true })
  writeFileSync(join(ctx, 'Dockerfile'), ['ARG TRITON_VERSION=24.08', 'FROM scratch', 'COPY models /models', 'LABEL org.opencontainers.image.title=gpuship-sandbox', ''].join('\n'))
  return ws
}
