resource "helm_release" "karpenter" {
  name       = "karpenter"
  repository = "oci://public.ecr.aws/karpenter"
  chart      = "karpenter"
  version    = var.karpenter_version
  namespace  = var.namespace
  wait       = true

  values = [yamlencode({
    settings = {
      clusterName       = var.cluster_name
      interruptionQueue = aws_sqs_queue.interruption.name
    }
    serviceAccount = {
      name        = var.service_account
      annotations = var.use_pod_identity ? {} : { "eks.amazonaws.com/role-arn" = aws_iam_role.controller.arn }
    }
    # The controller must never run on a node it could consolidate away.
    nodeSelector = var.controller_node_selector
    replicas     = 2
    controller = {
      resources = {
        requests = { cpu = "250m", memory = "512Mi" }
        limits   = { memory = "1Gi" }
      }
    }
  })]

  depends_on = [
    aws_eks_pod_identity_association.controller,
    aws_iam_role_policy.controller,
  ]
}

locals {
  ami_family_is_bottlerocket = startswith(var.ami_alias, "bottlerocket")
  discovery_selector         = [{ tags = { "karpenter.sh/discovery" = var.cluster_name } }]

  node_class_common = {
    role                       = aws_iam_role.node.name
    amiSelectorTerms           = [{ alias = var.ami_alias }]
    subnetSelectorTerms        = local.discovery_selector
    securityGroupSelectorTerms = local.discovery_selector
    metadataOptions = {
      httpEndpoint            = "enabled"
      httpTokens              = "required"
      httpPutResponseHopLimit = 1
    }
    tags = merge(var.tags, { "karpenter.sh/discovery" = var.cluster_name })
  }

  gpu_node_class = {
    apiVersion = "karpenter.k8s.aws/v1"
    kind       = "EC2NodeClass"
    metadata   = { name = "gpu" }
    spec = merge(local.node_class_common, {
      blockDeviceMappings = [{
        deviceName = local.ami_family_is_bottlerocket ? "/dev/xvdb" : "/dev/xvda"
        ebs = {
          volumeSize          = "${var.gpu_disk_size_gib}Gi"
          volumeType          = "gp3"
          iops                = 3000
          throughput          = 250
          encrypted           = true
          deleteOnTermination = true
        }
      }]
    })
  }

  cpu_node_class = {
    apiVersion = "karpenter.k8s.aws/v1"
    kind       = "EC2NodeClass"
    metadata   = { name = "default" }
    spec = merge(local.node_class_common, {
      blockDeviceMappings = [{
        deviceName = local.ami_family_is_bottlerocket ? "/dev/xvdb" : "/dev/xvda"
        ebs = {
          volumeSize          = "50Gi"
          volumeType          = "gp3"
          encrypted           = true
          deleteOnTermination = true
        }
      }]
    })
  }

  gpu_node_pool = {
    apiVersion = "karpenter.sh/v1"
    kind       = "NodePool"
    metadata   = { name = "gpu" }
    spec = {
      template = {
        metadata = {
          labels = {
            "nvidia.com/gpu.present" = "true"
            "gpuship.io/node-role"   = "gpu"
          }
        }
        spec = {
          nodeClassRef = { group = "karpenter.k8s.aws", kind = "EC2NodeClass", name = "gpu" }
          # Only pods that tolerate the GPU taint (Triton) land here; everything else stays on CPU nodes.
          taints = [{ key = "nvidia.com/gpu", value = "true", effect = "NoSchedule" }]
          requirements = [
            { key = "karpenter.k8s.aws/instance-family", operator = "In", values = var.gpu_instance_families },
            { key = "karpenter.k8s.aws/instance-gpu-manufacturer", operator = "In", values = ["nvidia"] },
            { key = "karpenter.k8s.aws/instance-gpu-count", operator = "Lt", values = [tostring(var.gpu_max_per_node + 1)] },
            { key = "karpenter.sh/capacity-type", operator = "In", values = var.gpu_capacity_types },
            { key = "kubernetes.io/arch", operator = "In", values = ["amd64"] },
          ]
          expireAfter = var.node_expire_after
        }
      }
      limits = { "nvidia.com/gpu" = tostring(var.gpu_limit) }
      disruption = {
        consolidationPolicy = "WhenEmptyOrUnderutilized"
        consolidateAfter    = var.gpu_consolidate_after
        # One GPU node at a time: together with Triton's PodDisruptionBudget, a consolidation
        # never takes every replica down at once.
        budgets = [{ nodes = "1" }]
      }
      weight = 10
    }
  }

  cpu_node_pool = {
    apiVersion = "karpenter.sh/v1"
    kind       = "NodePool"
    metadata   = { name = "default" }
    spec = {
      template = {
        spec = {
          nodeClassRef = { group = "karpenter.k8s.aws", kind = "EC2NodeClass", name = "default" }
          requirements = [
            { key = "karpenter.k8s.aws/instance-category", operator = "In", values = var.cpu_instance_categories },
            { key = "karpenter.k8s.aws/instance-generation", operator = "Gt", values = ["5"] },
            { key = "karpenter.sh/capacity-type", operator = "In", values = var.cpu_capacity_types },
            { key = "kubernetes.io/arch", operator = "In", values = ["amd64"] },
          ]
          expireAfter = var.node_expire_after
        }
      }
      limits = { cpu = tostring(var.cpu_limit) }
      disruption = {
        consolidationPolicy = "WhenEmptyOrUnderutilized"
        consolidateAfter    = "1m"
        budgets             = [{ nodes = "10%" }]
      }
    }
  }
}

# A local chart applies the NodePools and EC2NodeClasses: their CRDs arrive with the Karpenter
# release in the same apply, which kubernetes_manifest cannot plan against.
resource "helm_release" "node_pools" {
  name      = "gpuship-karpenter-node-pools"
  chart     = "${path.module}/charts/manifests"
  namespace = var.namespace

  values = [yamlencode({
    manifests = [local.gpu_node_class, local.cpu_node_class, local.gpu_node_pool, local.cpu_node_pool]
  })]

  depends_on = [helm_release.karpenter]
}
