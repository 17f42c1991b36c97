import * as core from '@actions/core'
import { getInputs, type Inputs } from './inputs.js'
import { reportFailure } from './summary.js'

// Inputs are validated before the rest of the action is loaded: a step with a bad input fails
// without paying for the builders and ECR code, and a good one loads them (one more file read) only now.
let inputs: Inputs | undefined
try {
  inputs = getInputs()
} catch (err) {
  void reportFailure(core, err, undefined)
}
if (inputs) {
  const ready = inputs
  void import('./main.js').then(({ run }) => run(ready))
}
