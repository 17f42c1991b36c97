/**
 * The stories `gpuship sandbox --scenario` plays. A failure scenario "passes" when the failure
 * was caught where the design says it must be: the step that should refuse refuses, with the
 * evidence in its summary, and nothing after it pretends to have run.
 */
export type ScenarioName = 'healthy' | 'gpu-capacity' | 'xid' | 'plan-changed' | 'lock-held' | 'nodes-not-joining' | 'orphan' | 'rebuild'

export type StepId = 'oidc' | 'plan' | 'apply' | 'image' | 'kubeconfig' | 'rollout' | 'doctor' | 'teardown'

export interface Scenario {
  name: ScenarioName
  /** One line for --help and the terminal. */
  story: string
  /** The step expected to end the job with a failure; undefined when every step should pass. */
  failsAt?: StepId
  /** Steps this scenario plays, in workflow order. */
  steps: StepId[]
  /** What the failing step's outcome must show for the story to count as caught (checked by the pipeline). */
  caught?: string
}

const MAIN: StepId[] = ['oidc', 'plan', 'apply', 'image', 'kubeconfig', 'rollout']

export const SCENARIOS: Record<ScenarioName, Scenario> = {
  healthy: {
    name: 'healthy',
    story: 'PR plan comment, apply of the reviewed plan, image by digest, rollout that passes every gate',
    steps: MAIN
  },
  'gpu-capacity': {
    name: 'gpu-capacity',
    story: 'the GPU node has no nvidia.com/gpu capacity: the rollout fails fast on Pending pods and says why',
    steps: MAIN,
    failsAt: 'rollout',
    caught: 'the rollout failed on unschedulable pods (Insufficient nvidia.com/gpu) instead of waiting for its timeout'
  },
  xid: {
    name: 'xid',
    story: 'a GPU reports an XID error during the DCGM gate window: the gate fails and the rollout rolls back',
    steps: MAIN,
    failsAt: 'rollout',
    caught: 'the GPU gate failed on the XID and the rollout rolled back to the previous revision'
  },
  'plan-changed': {
    name: 'plan-changed',
    story: 'the infrastructure changed after the plan was reviewed: apply refuses the changed plan',
    steps: MAIN,
    failsAt: 'apply',
    caught: 'terraform-apply refused because the new plan hash differs from the reviewed one'
  },
  'lock-held': {
    name: 'lock-held',
    story: 'another run holds the state lock: the plan fails with the holder and the force-unlock command',
    steps: MAIN,
    failsAt: 'plan',
    caught: 'terraform-plan reported the held lock with its ID and the terraform force-unlock command'
  },
  'nodes-not-joining': {
    name: 'nodes-not-joining',
    story: 'GPU nodes never join the cluster: the rollout cannot schedule and eks-doctor names the cause',
    steps: [...MAIN, 'doctor'],
    failsAt: 'rollout',
    caught: 'the rollout failed and eks-doctor found why the nodes did not join'
  },
  rebuild: {
    name: 'rebuild',
    story: 'the platform rebuilt twice: deploy, clean-slate teardown, plan and apply again, deploy, teardown, ending with nothing left in the account',
    steps: [...MAIN, 'teardown', 'plan', 'apply', 'image', 'kubeconfig', 'rollout', 'teardown']
  },
  orphan: {
    name: 'orphan',
    story: 'after the deploy, a clean-slate teardown meets a load balancer nothing owns: it stops before destroy and names it with its delete command',
    steps: [...MAIN, 'teardown'],
    failsAt: 'teardown',
    caught: 'eks-teardown stopped before terraform destroy and reported the surviving load balancer with the command that deletes it'
  }
}

export const SCENARIO_NAMES = Object.keys(SCENARIOS) as ScenarioName[]
