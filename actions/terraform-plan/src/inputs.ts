import * as core from '@actions/core'
import { createInputReader } from '@gpuship/core'
import { readRootInputs, type RootInputs } from '@gpuship/terraform'

export interface Inputs extends RootInputs {
  destroy: boolean
  comment: boolean
  'add-labels': boolean
  'upload-artifact': boolean
}

export function getInputs(): Inputs {
  const r = createInputReader((n) => core.getInput(n))
  const root = readRootInputs(r, (n) => core.getInput(n))
  if (root['github-token']) core.setSecret(root['github-token'])
  const inputs: Inputs = {
    ...root,
    destroy: r.boolean('destroy', { default: false }),
    comment: r.boolean('comment', { default: true }),
    'add-labels': r.boolean('add-labels', { default: false }),
    'upload-artifact': r.boolean('upload-artifact', { default: true })
  }
  const { 'github-token': _t, variables: _v, ...shown } = inputs
  core.debug(`inputs: ${JSON.stringify(shown)}`)
  return inputs
}
