export {
  createKubeClient,
  KubeApiError,
  type KubeClient,
  type KubeClientOptions,
  type KubeResponse,
  type TokenProvider,
  type RequestOptions
} from './kube-client.js'
export { objectPath, deploymentPath, type KubeObject } from './resource-paths.js'
export { applyObject, applyAll, type ApplyOptions, type ApplyResult } from './server-side-apply.js'
export { watchLoop, newWatchStats, type WatchLoop, type WatchStats, type WatchLoopOptions } from './watch-loop.js'
export { deploymentRolloutState, podInfo, labelSelectorText, type PodInfo, type RolloutState } from './rollout-status.js'
export { waitForRollout, lastLogs, RolloutError, type WaitOptions, type RolloutResult } from './rollout-watch.js'
export { gpuCapacity, podProblem, pullWhy, schedulingCause, podCause, type RolloutCause, type CauseKind, type NodeGpu, type PodProblem } from './diagnose.js'
export { rollbackDeployment, ownedReplicaSets, type RollbackResult } from './rollback.js'
export { waitForHpa, type HpaResult, type HpaCondition } from './hpa-wait.js'
export { proxyTarget, type HttpTarget, type ProxyTargetOptions } from './proxy-target.js'
export { Timeline, type TimelineEntry } from './timeline.js'
