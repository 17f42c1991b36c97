import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'

/**
 * A tiny build context for image tests: `FROM scratch` plus a Triton model repository, so
 * buildah builds it in well under a second and nothing is downloaded. `marker` changes the
 * content (hence the digest) between builds.
 */
export function writeImageContext(dir: string, opts: { marker?: string; modelName?: string; configName?: string } = {}): string {
  const model = opts.modelName ?? 'echo'
  mkdirSync(join(dir, 'models', model, '1'), { recursive: true })
  writeFileSync(
    join(dir, 'Dockerfile'),
    ['FROM scratch', 'ARG MARKER=none', 'COPY models /models', 'COPY marker.txt /marker.txt', 'LABEL org.opencontainers.image.title=gpuship-test', ''].join(
      '\n'
    )
  )
  writeFileSync(join(dir, 'marker.txt'), `${opts.marker ?? 'first'}\n`)
  writeFileSync(
    join(dir, 'models', model, 'config.pbtxt'),
    [
      `name: "${opts.configName ?? model}"`,
      'backend: "python"',
      'max_batch_size: 0',
      'input [ { name: "IN" data_type: TYPE_STRING dims: [ 1 ] } ]',
      'output [ { name: "OUT" data_type: TYPE_STRING dims: [ 1 ] } ]',
      ''
    ].join('\n')
  )
  writeFileSync(join(dir, 'models', model, '1', 'model.py'), 'class TritonPythonModel:\n    def execute(self, requests):\n        return []\n')
  return dir
}

/**
 * Private buildah storage (vfs driver, temp graphroot/runroot) selected through the standard
 * CONTAINERS_STORAGE_CONF, plus chroot isolation through BUILDAH_ISOLATION, so buildah run by an
 * action under test touches nothing outside the folder. remove() deletes it.
 */
export interface BuildahSandbox {
  dir: string
  root: string
  runroot: string
  env: Record<string, string>
  remove(): void
}

export function createBuildahSandbox(): BuildahSandbox {
  const dir = mkdtempSync(join(tmpdir(), 'gpuship-buildah-store-'))
  const root = join(dir, 'root')
  const runroot = join(dir, 'run')
  const conf = join(dir, 'storage.conf')
  writeFileSync(conf, `[storage]\ndriver = "vfs"\ngraphroot = "${root}"\nrunroot = "${runroot}"\n`)
  return {
    dir,
    root,
    runroot,
    env: { CONTAINERS_STORAGE_CONF: conf, BUILDAH_ISOLATION: 'chroot', STORAGE_DRIVER: 'vfs' },
    remove() {
      rmSync(dir, { recursive: true, force: true })
    }
  }
}

export function tempContext(opts?: Parameters<typeof writeImageContext>[1]): { dir: string; remove(): void } {
  const dir = mkdtempSync(join(tmpdir(), 'gpuship-context-'))
  writeImageContext(dir, opts)
  return { dir, remove: () => rmSync(dir, { recursive: true, force: true }) }
}
