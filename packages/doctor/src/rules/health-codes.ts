/**
 * What EKS's node group (and add-on) health issue codes mean and what fixes them, from the
 * EKS API reference (Issue.code) and the managed node group troubleshooting guide.
 */
export interface CodeMeaning {
  meaning: string
  fix: string
}

export const NODEGROUP_CODES: Record<string, CodeMeaning> = {
  AccessDenied: {
    meaning: 'EKS or the nodes were denied an IAM action they need (the service-linked role or node role lacks permissions).',
    fix: 'Check the node role policies and that the AWSServiceRoleForAmazonEKSNodegroup role exists and is unmodified.'
  },
  AmiIdNotFound: {
    meaning: 'The AMI in the launch template no longer exists or is not shared with the account.',
    fix: 'Point the launch template at an existing EKS-optimized AMI for the cluster version.'
  },
  AutoScalingGroupNotFound: {
    meaning: "The node group's Auto Scaling group was deleted outside EKS.",
    fix: 'Delete and recreate the node group; never delete its ASG directly.'
  },
  AutoScalingGroupInvalidConfiguration: {
    meaning: 'The ASG was modified outside EKS (for example its launch template or sizes).',
    fix: 'Revert the ASG change or recreate the node group.'
  },
  AsgInstanceLaunchFailures: {
    meaning: 'The Auto Scaling group fails to launch instances.',
    fix: 'Read the Auto Scaling activities: capacity, vCPU limits and launch template errors show there.'
  },
  ClusterUnreachable: {
    meaning: 'Nodes cannot reach the cluster API endpoint.',
    fix: 'Give the node subnets a route to the endpoint (NAT or private endpoint access) and allow 443 from the node security group.'
  },
  Ec2LaunchTemplateNotFound: {
    meaning: 'The launch template the node group uses was deleted.',
    fix: 'Recreate the launch template version or update the node group to an existing one.'
  },
  Ec2LaunchTemplateVersionMismatch: {
    meaning: 'The launch template version differs from the one EKS expects.',
    fix: 'Update the node group to the current launch template version.'
  },
  Ec2SecurityGroupDeletionFailure: {
    meaning: 'EKS could not delete the remote-access security group.',
    fix: 'Remove dependencies on the security group and retry.'
  },
  Ec2SecurityGroupNotFound: {
    meaning: 'The cluster security group or a launch template security group was deleted.',
    fix: 'Recreate the security group or update the launch template to an existing one.'
  },
  Ec2SubnetInvalidConfiguration: {
    meaning: 'A subnet does not assign public IPs yet has no NAT route, or lacks the tags EKS expects.',
    fix: 'Enable MapPublicIpOnLaunch for public subnets, or route private subnets through a NAT gateway.'
  },
  Ec2SubnetNotFound: { meaning: 'A node group subnet was deleted.', fix: 'Recreate the node group with existing subnets.' },
  Ec2SubnetMissingIpv6Assignment: {
    meaning: 'An IPv6 cluster uses a subnet without IPv6 address assignment.',
    fix: 'Enable AssignIpv6AddressOnCreation on the subnet.'
  },
  IamInstanceProfileNotFound: {
    meaning: 'The node instance profile was deleted.',
    fix: 'Recreate the instance profile for the node role, or recreate the node group.'
  },
  IamLimitExceeded: { meaning: 'An IAM quota was reached creating the node role or profile.', fix: 'Raise the IAM quota or clean up unused roles.' },
  IamNodeRoleNotFound: { meaning: 'The node IAM role was deleted.', fix: 'Recreate the node role with its policies, then recreate the node group.' },
  InstanceLimitExceeded: {
    meaning: 'The account reached its EC2 instance or vCPU quota for this type.',
    fix: 'Request a quota increase (Service Quotas: Running On-Demand G and VT instances for GPU types).'
  },
  InsufficientFreeAddresses: {
    meaning: 'The node group subnets have no free IP addresses.',
    fix: 'Add subnets (or a secondary CIDR) with free addresses to the node group.'
  },
  InternalFailure: { meaning: 'An EKS-side failure.', fix: 'Retry the operation; open a support case if it persists.' },
  NodeCreationFailure: {
    meaning: 'Instances launched but did not register with the cluster.',
    fix: 'Check the node role access entry, the network path to the endpoint, and the bootstrap (user data) on a failed instance.'
  },
  LimitExceeded: { meaning: 'An EKS quota was reached.', fix: 'Request a quota increase.' },
  ConfigurationConflict: {
    meaning: "The add-on's settings conflict with fields already in the cluster (managed by another tool).",
    fix: "Update the add-on with resolve-conflicts OVERWRITE, or remove the other manager's fields."
  },
  InsufficientNumberOfReplicas: {
    meaning: "The add-on's workload has fewer ready replicas than required.",
    fix: "Read the add-on pods' events: scheduling, image pull or crash."
  },
  AdmissionRequestDenied: {
    meaning: "An admission webhook denied the add-on's objects.",
    fix: 'Exempt kube-system add-ons from the webhook or fix the policy.'
  },
  UnsupportedAddonModification: {
    meaning: 'A field of the add-on was changed outside EKS.',
    fix: 'Revert the change or update the add-on with resolve-conflicts OVERWRITE.'
  },
  K8sResourceNotFound: {
    meaning: 'A Kubernetes object the add-on needs is missing.',
    fix: 'Update the add-on with resolve-conflicts OVERWRITE to recreate it.'
  }
}

export function meaningOf(code: string): CodeMeaning {
  return NODEGROUP_CODES[code] ?? { meaning: 'A health issue EKS reported.', fix: 'Read its message and the EKS troubleshooting guide for this code.' }
}
