import * as core from '@actions/core'
import { createInputReader } from '@gpuship/core'
import { readRootInputs, type RootInputs } from '@gpuship/terraform'

export interface Inputs extends RootInputs {
  issue: boolean
}

export function getInputs(): Inputs {
  const r = createInputReader((n) => core.getInput(n))
  const root = readRootInputs(r, (n) => core.getInput(n))
  if (root['github-token']) core.setSecret(root['github-token'])
  const inputs: Inputs = { ...root, issue: r.boolean('issue', { default: true }) }
  const { 'github-token': _t, variables: _v, ...shown } = inputs
  core.debug(`inputs: ${JSON.stringify(shown)}`)
  return inputs
}
