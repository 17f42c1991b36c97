/**
 * Images: a rebuild of an existing tag with skip-if-exists must be API calls only (ECR describe,
 * token, one manifest HEAD, DescribeImages), never a build. Measured in process against
 * docker-registry + the simulated ECR, and as the bundled action, beside a real buildah build of
 * the same tiny context for scale.
 */
import { existsSync } from 'node:fs'
import { join, dirname } from 'node:path'
import { fileURLToPath } from 'node:url'
import { createEcrClient } from '../packages/aws/src/index.js'
import { silentLogger } from '../packages/core/src/index.js'
import { buildAndPushImage, createBuildahBuilder, createToolRunner, type Builder } from '../packages/images/src/index.js'
import {
  attachEcrRegistry,
  createAwsSimulator,
  createBuildahSandbox,
  ecrService,
  runAction,
  startRegistry,
  tempContext
} from '../packages/testkit/src/index.js'
// The root package has no workspace dependencies: packages are imported by their index files.
import { timeMedian, type Bench, type Figure } from './harness.js'

const root = join(dirname(fileURLToPath(import.meta.url)), '..')

const bench: Bench = {
  name: 'images (ecr-build-push)',
  async run(): Promise<Figure[]> {
    const registry = await startRegistry()
    const sim = await createAwsSimulator({ services: ['ecr'] })
    attachEcrRegistry(sim, registry)
    const key = sim.createUser({ account: '123456789012', name: 'bench' })
    const store = createBuildahSandbox()
    const ctx = tempContext()
    const figures: Figure[] = []
    try {
      const ecr = createEcrClient({ region: 'us-east-1', endpoint: sim.endpoint, credentials: key })
      let builds = 0
      const buildah = async (): Promise<Builder> => {
        builds++
        return createBuildahBuilder({
          run: createToolRunner(silentLogger),
          log: silentLogger,
          storage: { root: store.root, runroot: store.runroot, driver: 'vfs' }
        })
      }
      const opts = { repository: 'triton', context: ctx.dir, region: 'us-east-1', createRepository: true, skipIfExists: true, ecr, builder: buildah }
      let n = 0
      const fullBuild = await timeMedian(() => buildAndPushImage({ ...opts, tags: [`build-${n++}`] }), 3, 1)
      const calls = ecrService(sim).calls
      const before = calls.length
      const noop = await timeMedian(() => buildAndPushImage({ ...opts, tags: ['build-0'] }), 15, 2)
      const builtBefore = builds
      await buildAndPushImage({ ...opts, tags: ['build-0'] })
      if (builds !== builtBefore) throw new Error('skip-if-exists ran a build')
      const perRun = (calls.length - before) / 18
      figures.push({
        label: 'no-op rebuild (skip-if-exists), in process',
        value: noop,
        unit: 'ms',
        baseline: { label: 'buildah build + push of a 2-file image', value: fullBuild },
        note: `${perRun} ECR calls + 1 manifest HEAD, 0 builds`
      })

      const actionDir = join(root, 'actions', 'ecr-build-push')
      if (existsSync(join(actionDir, 'dist', 'index.js'))) {
        const env = { ...sim.env(key), ...store.env }
        const action = await timeMedian(
          () => runAction({ actionDir, inputs: { repository: 'triton', tags: 'build-0', builder: 'buildah' }, env, workspace: ctx.dir }),
          5,
          1
        )
        figures.push({ label: 'no-op rebuild, bundled action (node start + SDK load)', value: action, unit: 'ms' })
      } else figures.push({ label: 'bundled action', value: 0, unit: 'ms', note: 'skipped: run node scripts/bundle.mjs --only ecr-build-push' })
      return figures
    } finally {
      await sim.close()
      await registry.close()
      store.remove()
      ctx.remove()
    }
  }
}
export default bench
