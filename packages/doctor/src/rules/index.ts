import type { Rule } from '../finding.js'
import { clusterCa, clusterRole, clusterStatus, endpointUnreachable, versionSkew } from './control-plane.js'
import { asgActivity, instancesNotJoined, nodegroupHealth, nodeRoleAccess, nodeRolePolicies } from './nodes.js'
import { securityGroups, subnetEgress, vpcDns } from './node-network.js'
import { gpuNotAllocatable, insufficientGpu, selectorMismatch, untoleratedTaint } from './pods.js'
import { addonDegraded, ipExhaustion, networkingComponents } from './networking.js'
import { accessDenied, authenticatorDenied, irsaRole, oidcProvider } from './iam.js'
import { lbController, lbEvents, lbSubnetTags } from './load-balancers.js'

/** Every rule, in the order a person reads a report: control plane, nodes, pods, network, IAM, ingress. */
export const RULES: Rule[] = [
  clusterStatus,
  endpointUnreachable,
  clusterCa,
  clusterRole,
  versionSkew,
  nodegroupHealth,
  asgActivity,
  instancesNotJoined,
  nodeRoleAccess,
  nodeRolePolicies,
  subnetEgress,
  vpcDns,
  securityGroups,
  insufficientGpu,
  untoleratedTaint,
  selectorMismatch,
  gpuNotAllocatable,
  networkingComponents,
  ipExhaustion,
  addonDegraded,
  irsaRole,
  oidcProvider,
  accessDenied,
  authenticatorDenied,
  lbController,
  lbSubnetTags,
  lbEvents
]
