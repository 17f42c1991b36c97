import type { SandboxStep } from '../step.js'
import type { StepId } from '../scenarios.js'
import { oidcStep } from './oidc.js'
import { planStep, applyStep } from './terraform.js'
import { imageStep } from './image.js'
import { kubeconfigStep, rolloutStep, doctorStep } from './kube.js'
import { teardownStep } from './teardown.js'

/** Every step the sandbox knows, by id; a scenario picks and orders them. */
export const STEPS: Record<StepId, SandboxStep> = {
  oidc: oidcStep,
  plan: planStep,
  apply: applyStep,
  image: imageStep,
  kubeconfig: kubeconfigStep,
  rollout: rolloutStep,
  doctor: doctorStep,
  teardown: teardownStep
}
