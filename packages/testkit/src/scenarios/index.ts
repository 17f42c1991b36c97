// Named broken-cluster scenarios (healthy plus one per doctor rule) over the AWS and Kubernetes simulators.
export { SCENARIOS, scenarioWorld, type ScenarioSpec } from './catalog.js'
export { applyScenario, applyAwsWorld, applyKubeWorld, settleKube, type AppliedScenario } from './apply.js'
export {
  healthyWorld,
  type World,
  type AwsWorld,
  type KubeWorld,
  ACCOUNT as SCENARIO_ACCOUNT,
  REGION as SCENARIO_REGION,
  CLUSTER as SCENARIO_CLUSTER
} from './world.js'
