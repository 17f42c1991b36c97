import * as core from '@actions/core'
import { failAction } from '@gpuship/core'
import { getInputs, type Inputs } from './inputs.js'

// Inputs are validated before the rest of the action is loaded: a step with a bad input fails
// without paying for the AWS code, and a good one loads it (one more file read) only now.
let inputs: Inputs | undefined
try {
  inputs = getInputs()
} catch (err) {
  failAction(core, err)
}
if (inputs) {
  const ready = inputs
  void import('./main.js').then(({ run }) => run(ready))
}
