import { ACCOUNT, CLUSTER, CNI_IMAGE, gpuPod, GPU_TOLERATION, healthyWorld, instanceFor, irsaTrust, type World } from './world.js'

export interface ScenarioSpec {
  /** The doctor rule this broken state makes fire (and only it); undefined for `healthy`. */
  rule?: string
  summary: string
  apply(w: World): void
}

const now = () => new Date().toISOString()
const warning = (kind: string, namespace: string, name: string, reason: string, message: string) => ({
  plural: 'events',
  obj: {
    metadata: { name: `${name}.${reason.toLowerCase()}`, namespace },
    involvedObject: { kind, namespace, name, apiVersion: 'v1' },
    type: 'Warning',
    reason,
    message,
    count: 3,
    firstTimestamp: now(),
    lastTimestamp: now(),
    source: { component: kind === 'Service' ? 'service' : 'kubelet' }
  }
})
const role = (w: World, name: string) => {
  const r = w.aws.roles.find((x) => x.name === name)
  if (!r) throw new Error(`scenario: no role ${name}`)
  return r
}

/** Each broken state an EKS GPU cluster is known to get into, one change from healthy. */
export const SCENARIOS: Record<string, ScenarioSpec> = {
  healthy: { summary: 'A working GPU cluster: two node groups, CNI trinity ready, device plugin, IRSA, an NLB.', apply() {} },
  'cluster-failed': {
    rule: 'cluster-status',
    summary: 'The cluster is FAILED with a health issue.',
    apply: (w) => (
      (w.aws.cluster.status = 'FAILED'),
      (w.aws.cluster.details.health = { issues: [{ code: 'IamRoleNotFound', message: 'The cluster role does not exist.', resourceIds: [] }] })
    )
  },
  'endpoint-private': {
    rule: 'endpoint-unreachable',
    summary: 'Public endpoint access off; the caller is outside the VPC and the API does not answer.',
    apply: (w) => {
      const v = w.aws.cluster.details.resourcesVpcConfig
      if (v) v.endpointPublicAccess = false
      w.kube.unreachable = true
    }
  },
  'ca-invalid': {
    rule: 'cluster-ca-invalid',
    summary: 'certificateAuthority.data is cut short.',
    apply: (w) =>
      void (w.aws.cluster.certificateAuthority = Buffer.from('-----BEGIN CERTIFICATE-----\nMIIDBTCCAe2gAwIBAgIIcut\n-----END CERTIFICATE-----\n').toString(
        'base64'
      ))
  },
  'cluster-role-policy': {
    rule: 'cluster-role',
    summary: 'The cluster role lost AmazonEKSClusterPolicy.',
    apply: (w) => void (role(w, `${CLUSTER}-cluster`).attached = [])
  },
  'version-skew': {
    rule: 'version-skew',
    summary: 'The control plane went to 1.33; node groups stayed on 1.32.',
    apply: (w) => void (w.aws.cluster.version = '1.33')
  },
  'nodegroup-degraded': {
    rule: 'nodegroup-health',
    summary: 'The GPU node group is DEGRADED: its launch template security group was deleted.',
    apply: (w) => {
      const ng = w.aws.nodegroups.find((n) => n.nodegroupName === 'gpu')
      if (ng)
        Object.assign(ng, {
          status: 'DEGRADED',
          health: {
            issues: [
              {
                code: 'Ec2SecurityGroupNotFound',
                message: "We couldn't find one or more security group associated with your autoscaling group.",
                resourceIds: ['sg-0deleted']
              }
            ]
          }
        })
    }
  },
  'asg-no-capacity': {
    rule: 'asg-launch-failed',
    summary: 'Scaling the GPU group fails: no g5.xlarge capacity in the zones.',
    apply: (w) =>
      void w.aws.activities.push({
        ActivityId: '0000000f-aaaa-bbbb-cccc-000000000000',
        AutoScalingGroupName: 'eks-gpu-asg',
        Description:
          'Launching a new EC2 instance.  Status Reason: We currently do not have sufficient g5.xlarge capacity in the Availability Zone you requested (us-east-1b). Our system will be working on provisioning additional capacity. Launching EC2 instance failed.',
        Cause:
          'At 2026-12-04T18:50:00Z an instance was started in response to a difference between desired and actual capacity, increasing the capacity from 1 to 2.',
        StatusCode: 'Failed',
        StatusMessage:
          'We currently do not have sufficient g5.xlarge capacity in the Availability Zone you requested (us-east-1b). Our system will be working on provisioning additional capacity. Launching EC2 instance failed.',
        Progress: 100,
        minutesAgo: 5
      })
  },
  'instance-not-joined': {
    rule: 'instances-not-joined',
    summary: 'A GPU instance has run 30 minutes without registering.',
    apply: (w) =>
      void w.aws.instances.push(
        instanceFor(
          { name: 'ip-10-0-2-77.ec2.internal', id: 'i-0a1b2c3d4e5f60077', ip: '10.0.2.77', subnet: 'subnet-0private1b', ng: 'gpu', type: 'g5.xlarge' },
          30
        )
      )
  },
  'node-role-no-access-entry': {
    rule: 'node-role-no-access',
    summary: "The node role's EC2_LINUX access entry was deleted (no aws-auth either).",
    apply: (w) => void (w.aws.accessEntries = w.aws.accessEntries.filter((e) => e.type !== 'EC2_LINUX'))
  },
  'node-role-missing-cni': {
    rule: 'node-role-policies',
    summary: 'The node role lacks AmazonEKS_CNI_Policy.',
    apply: (w) => void (role(w, `${CLUSTER}-node`).attached = role(w, `${CLUSTER}-node`).attached.filter((p) => !p.endsWith('/AmazonEKS_CNI_Policy')))
  },
  'private-subnet-no-egress': {
    rule: 'private-subnet-egress',
    summary: 'The private route table lost its NAT route; only an S3 gateway endpoint exists.',
    apply: (w) => {
      const t = w.aws.routeTables.find((r) => r.routeTableId === 'rtb-0private')
      if (t) t.routeSet = t.routeSet.filter((r) => r.destinationCidrBlock !== '0.0.0.0/0')
      w.aws.vpcEndpoints.push({
        vpcEndpointId: 'vpce-0s3',
        vpcId: 'vpc-0gpuprod',
        serviceName: `com.amazonaws.${w.aws.region}.s3`,
        vpcEndpointType: 'Gateway',
        state: 'available',
        subnetIdSet: [],
        routeTableIdSet: ['rtb-0private'],
        privateDnsEnabled: false
      })
    }
  },
  'vpc-dns-hostnames-off': { rule: 'vpc-dns', summary: 'enableDnsHostnames is off on the VPC.', apply: (w) => void (w.aws.vpc.enableDnsHostnames = false) },
  'security-group-blocks': {
    rule: 'security-groups',
    summary: 'The GPU instances use a custom security group allowing only SSH from the VPC.',
    apply: (w) => {
      w.aws.securityGroups.push({
        groupId: 'sg-0gpunodes',
        groupName: 'gpu-nodes',
        groupDescription: 'custom launch template group',
        vpcId: 'vpc-0gpuprod',
        ownerId: ACCOUNT,
        ipPermissions: [{ ipProtocol: 'tcp', fromPort: 22, toPort: 22, groups: [], ipRanges: [{ cidrIp: '10.0.0.0/16' }] }],
        ipPermissionsEgress: [{ ipProtocol: '-1', groups: [], ipRanges: [{ cidrIp: '0.0.0.0/0' }] }],
        tagSet: []
      })
      const gpu = w.aws.instances.find((i) => i.instanceType.startsWith('g5'))
      if (gpu) gpu.groupSet = [{ groupId: 'sg-0gpunodes', groupName: 'gpu-nodes' }]
    }
  },
  'pending-insufficient-gpu': {
    rule: 'pending-insufficient-gpu',
    summary: 'A second Triton pod wants a GPU; the only GPU is taken.',
    apply: (w) => {
      w.kube.objects.push({ plural: 'pods', obj: gpuPod('triton-extra', { tolerations: GPU_TOLERATION }) })
      w.kube.expectPending.push('inference/triton-extra')
    }
  },
  'pending-untolerated-taint': {
    rule: 'pending-untolerated-taint',
    summary: 'A GPU pod without the nvidia.com/gpu toleration.',
    apply: (w) => {
      w.kube.objects.push({ plural: 'pods', obj: gpuPod('triton-notoleration') })
      w.kube.expectPending.push('inference/triton-notoleration')
    }
  },
  'pending-node-selector': {
    rule: 'pending-node-selector',
    summary: 'A pod selects an instance type no node group has.',
    apply: (w) => {
      w.kube.objects.push({
        plural: 'pods',
        obj: gpuPod('triton-h100', { tolerations: GPU_TOLERATION, nodeSelector: { 'node.kubernetes.io/instance-type': 'p5.48xlarge' } })
      })
      w.kube.expectPending.push('inference/triton-h100')
    }
  },
  'gpu-no-device-plugin': {
    rule: 'gpu-not-allocatable',
    summary: 'The NVIDIA device plugin is not installed: the GPU node advertises no nvidia.com/gpu.',
    apply: (w) => {
      w.kube.devicePlugin = false
      w.kube.expectPending.push('inference/triton-')
    }
  },
  'aws-node-unready': {
    rule: 'networking-components',
    summary: 'aws-node never becomes ready (IPAMD cannot start).',
    apply: (w) => void w.kube.neverReady.push(CNI_IMAGE)
  },
  'ip-exhaustion': {
    rule: 'ip-exhaustion',
    summary: 'The GPU subnet has 3 free addresses and IPAMD fails to assign pod IPs.',
    apply: (w) => {
      const s = w.aws.subnets.find((x) => x.subnetId === 'subnet-0private1b')
      if (s) s.availableIpAddressCount = 3
      w.kube.objects.push(
        warning(
          'Pod',
          'inference',
          'triton-ipwait',
          'FailedCreatePodSandBox',
          'Failed to create pod sandbox: rpc error: code = Unknown desc = failed to setup network for sandbox "4f1c": plugin type="aws-cni" name="aws-cni" failed (add): add cmd: failed to assign an IP address to container'
        )
      )
    }
  },
  'addon-degraded': {
    rule: 'addon-degraded',
    summary: 'The coredns add-on is DEGRADED: another tool owns fields of its ConfigMap.',
    apply: (w) => {
      const a = w.aws.addons.find((x) => x.addonName === 'coredns')
      if (a)
        Object.assign(a, {
          status: 'DEGRADED',
          health: {
            issues: [
              {
                code: 'ConfigurationConflict',
                message: 'Conflicts found when trying to apply. Will not continue due to resolve conflicts mode. Conflicts: ConfigMap coredns - .data.Corefile',
                resourceIds: ['coredns']
              }
            ]
          }
        })
    }
  },
  'irsa-wrong-namespace': {
    rule: 'irsa-role',
    summary: 'The Triton role trusts system:serviceaccount:default:triton, not inference.',
    apply: (w) => void (role(w, 'triton-models').trustPolicy = irsaTrust('default', 'triton'))
  },
  'oidc-provider-missing': {
    rule: 'oidc-provider-missing',
    summary: 'The cluster issuer was never registered as an IAM OIDC provider.',
    apply: (w) => void (w.aws.oidc = false)
  },
  'access-denied': {
    rule: 'access-denied',
    summary: 'The Triton pod cannot read its Secrets Manager secret.',
    apply: (w) =>
      void w.kube.objects.push(
        warning(
          'Pod',
          'inference',
          'triton-secrets',
          'FailedMount',
          `MountVolume.SetUp failed for volume "secrets" : rpc error: code = Unknown desc = failed to mount secrets store objects for pod inference/triton-secrets, err: rpc error: code = Unknown desc = us-east-1: Failed fetching secret hf-token: AccessDeniedException: User: arn:aws:sts::${ACCOUNT}:assumed-role/triton-models/botocore-session-1733338000 is not authorized to perform: secretsmanager:GetSecretValue on resource: hf-token because no identity-based policy allows the secretsmanager:GetSecretValue action`
        )
      )
  },
  'authenticator-denied': {
    rule: 'authenticator-denied',
    summary: 'The CI deploy role has no access entry: the authenticator logs "ARN is not mapped" for each kubectl call.',
    apply: (w) =>
      void w.aws.controlPlaneLogs['authenticator-0a1b2c3d4e5f'].push(
        ...[12, 9, 5].map((m) => ({
          minutesAgo: m,
          message: `time="2026-12-04T18:5${m % 10}:00Z" level=warning msg="access denied" arn="arn:aws:iam::${ACCOUNT}:role/ci-deploy" client="127.0.0.1:50${m}" error="ARN is not mapped" method=POST path=/authenticate`
        }))
      )
  },
  'lb-controller-absent': {
    rule: 'lb-controller-absent',
    summary: 'The AWS Load Balancer Controller was never installed.',
    apply: (w) => void (w.kube.objects = w.kube.objects.filter((o) => !(o.plural === 'deployments' && o.obj.metadata.name === 'aws-load-balancer-controller')))
  },
  'lb-subnets-untagged': {
    rule: 'lb-subnet-tags',
    summary: 'The public subnets lack kubernetes.io/role/elb.',
    apply: (w) => w.aws.subnets.forEach((s) => (s.tagSet = s.tagSet.filter((t) => t.key !== 'kubernetes.io/role/elb')))
  },
  'lb-reconcile-failed': {
    rule: 'lb-events',
    summary: 'The controller cannot build the NLB: the target group annotation is invalid.',
    apply: (w) =>
      void w.kube.objects.push(
        warning(
          'Service',
          'inference',
          'triton-public',
          'FailedDeployModel',
          'Failed deploy model due to operation error Elastic Load Balancing v2: CreateTargetGroup, https response error StatusCode: 400, ValidationError: Health check interval must be greater than the timeout.'
        )
      )
  }
}

export function scenarioWorld(name: string): World {
  const spec = SCENARIOS[name]
  if (!spec) throw new Error(`Unknown scenario '${name}'. Known: ${Object.keys(SCENARIOS).join(', ')}`)
  const w = healthyWorld()
  spec.apply(w)
  return w
}
