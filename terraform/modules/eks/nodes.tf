# One node role for every managed group, so ECR pull access and access entries name a single,
# stable ARN instead of one generated role per node group.
data "aws_iam_policy_document" "node_assume" {
  statement {
    actions = ["sts:AssumeRole"]

    principals {
      type        = "Service"
      identifiers = ["ec2.amazonaws.com"]
    }
  }
}

resource "aws_iam_role" "node" {
  name_prefix        = substr("${var.cluster_name}-node-", 0, 38)
  description        = "EKS managed node groups of ${var.cluster_name}"
  assume_role_policy = data.aws_iam_policy_document.node_assume.json
  tags               = var.tags
}

resource "aws_iam_role_policy_attachment" "node" {
  for_each = toset([
    "AmazonEKSWorkerNodePolicy",
    "AmazonEKS_CNI_Policy",
    "AmazonEC2ContainerRegistryReadOnly",
    "AmazonSSMManagedInstanceCore",
  ])

  role       = aws_iam_role.node.name
  policy_arn = "arn:${local.partition}:iam::aws:policy/${each.key}"
}

locals {
  # Managed node group tags do not reach the Auto Scaling group, and cluster-autoscaler reads the
  # ASG: without these it cannot discover the group, nor scale a GPU group up from zero.
  asg_tags_by_group = merge(
    {
      system = {
        "k8s.io/cluster-autoscaler/enabled"             = "true"
        "k8s.io/cluster-autoscaler/${var.cluster_name}" = "owned"
      }
    },
    var.create_gpu_node_group ? {
      gpu = merge(
        {
          "k8s.io/cluster-autoscaler/enabled"                                = "true"
          "k8s.io/cluster-autoscaler/${var.cluster_name}"                    = "owned"
          "k8s.io/cluster-autoscaler/node-template/taint/nvidia.com/gpu"     = "true:NoSchedule"
          "k8s.io/cluster-autoscaler/node-template/resources/nvidia.com/gpu" = tostring(var.gpu_node_group.gpus_per_node)
        },
        { for k, v in local.gpu_labels : "k8s.io/cluster-autoscaler/node-template/label/${k}" => v }
      )
    } : {}
  )

  asg_tags = merge([
    for group, tags in local.asg_tags_by_group : {
      for k, v in tags : "${group}:${k}" => { group = group, key = k, value = v }
    }
  ]...)
}

resource "aws_autoscaling_group_tag" "cluster_autoscaler" {
  for_each = var.enable_cluster_autoscaler_tags ? local.asg_tags : {}

  autoscaling_group_name = one(module.eks.eks_managed_node_groups[each.value.group].node_group_autoscaling_group_names)

  tag {
    key                 = each.value.key
    value               = each.value.value
    propagate_at_launch = false
  }
}

resource "helm_release" "nvidia_device_plugin" {
  count = var.install_nvidia_device_plugin && !local.gpu_is_bottlerocket ? 1 : 0

  name             = "nvidia-device-plugin"
  repository       = "https://nvidia.github.io/k8s-device-plugin"
  chart            = "nvidia-device-plugin"
  version          = var.nvidia_device_plugin_version
  namespace        = "nvidia-device-plugin"
  create_namespace = true
  wait             = false

  values = [yamlencode({
    # Runs only on GPU nodes (managed group or Karpenter), and tolerates their taint.
    nodeSelector = { "nvidia.com/gpu.present" = "true" }
    tolerations = [{
      key      = local.gpu_taint.key
      operator = "Exists"
      effect   = "NoSchedule"
    }]
    priorityClassName = "system-node-critical"
  })]

  depends_on = [module.eks]
}
