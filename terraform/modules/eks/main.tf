data "aws_partition" "current" {}

locals {
  partition = data.aws_partition.current.partition

  # One label set and one taint, shared by the managed group, Karpenter's GPU NodePool,
  # the device plugin's nodeSelector and the DCGM exporter, so they always agree.
  gpu_labels = merge({
    "nvidia.com/gpu.present" = "true"
    "gpuship.io/node-role"   = "gpu"
  }, var.gpu_node_group.labels)

  gpu_taint = {
    key    = "nvidia.com/gpu"
    value  = "true"
    effect = "NO_SCHEDULE"
  }

  gpu_is_bottlerocket = startswith(var.gpu_node_group.ami_type, "BOTTLEROCKET")
  # Bottlerocket keeps images on its second (data) volume; AL2023 on the root volume.
  gpu_data_device = local.gpu_is_bottlerocket ? "/dev/xvdb" : "/dev/xvda"

  system_node_group = {
    system = {
      name           = "system"
      ami_type       = "AL2023_x86_64_STANDARD"
      instance_types = var.system_node_group.instance_types
      capacity_type  = var.system_node_group.capacity_type
      min_size       = var.system_node_group.min_size
      max_size       = var.system_node_group.max_size
      desired_size   = var.system_node_group.desired_size
      labels         = { "gpuship.io/node-role" = "system" }

      create_iam_role = false
      iam_role_arn    = aws_iam_role.node.arn

      block_device_mappings = {
        xvda = {
          device_name = "/dev/xvda"
          ebs = {
            volume_size           = var.system_node_group.disk_size_gib
            volume_type           = "gp3"
            encrypted             = true
            delete_on_termination = true
          }
        }
      }
    }
  }

  gpu_node_group = var.create_gpu_node_group ? {
    gpu = {
      name           = "gpu"
      ami_type       = var.gpu_node_group.ami_type
      instance_types = var.gpu_node_group.instance_types
      capacity_type  = var.gpu_node_group.capacity_type
      min_size       = var.gpu_node_group.min_size
      max_size       = var.gpu_node_group.max_size
      desired_size   = var.gpu_node_group.desired_size
      labels         = local.gpu_labels
      taints         = { gpu = local.gpu_taint }

      create_iam_role = false
      iam_role_arn    = aws_iam_role.node.arn

      # One node at a time: a GPU node drains slowly and is the scarce resource.
      update_config = { max_unavailable = 1 }

      block_device_mappings = {
        data = {
          device_name = local.gpu_data_device
          ebs = {
            volume_size           = var.gpu_node_group.disk_size_gib
            volume_type           = "gp3"
            iops                  = 3000
            throughput            = 250
            encrypted             = true
            delete_on_termination = true
          }
        }
      }
    }
  } : {}

  admin_access_entries = {
    for i, arn in var.admin_principal_arns : "admin-${i}" => {
      principal_arn = arn
      policy_associations = {
        admin = {
          policy_arn   = "arn:${local.partition}:eks::aws:cluster-access-policy/AmazonEKSClusterAdminPolicy"
          access_scope = { type = "cluster" }
        }
      }
    }
  }
}

module "eks" {
  source  = "terraform-aws-modules/eks/aws"
  version = "20.37.2"

  cluster_name    = var.cluster_name
  cluster_version = var.kubernetes_version

  vpc_id                   = var.vpc_id
  subnet_ids               = var.subnet_ids
  control_plane_subnet_ids = length(var.control_plane_subnet_ids) > 0 ? var.control_plane_subnet_ids : var.subnet_ids

  cluster_endpoint_public_access       = var.endpoint_public_access
  cluster_endpoint_public_access_cidrs = var.endpoint_public_access_cidrs
  cluster_endpoint_private_access      = var.endpoint_private_access

  cluster_enabled_log_types              = var.cluster_log_types
  cloudwatch_log_group_retention_in_days = var.cluster_log_retention_days

  # Access entries only: the aws-auth ConfigMap is the classic way to lock everyone out.
  authentication_mode                      = "API"
  enable_cluster_creator_admin_permissions = var.enable_cluster_creator_admin_permissions
  access_entries                           = merge(local.admin_access_entries, var.access_entries)

  enable_irsa = true

  cluster_addons = merge({
    vpc-cni = {
      addon_version  = var.addon_versions.vpc_cni
      most_recent    = true
      before_compute = true
      configuration_values = jsonencode({
        env = {
          # Prefix delegation multiplies the pod density of small GPU instances.
          ENABLE_PREFIX_DELEGATION = "true"
          WARM_PREFIX_TARGET       = "1"
        }
      })
    }
    kube-proxy = {
      addon_version = var.addon_versions.kube_proxy
      most_recent   = true
    }
    coredns = {
      addon_version = var.addon_versions.coredns
      most_recent   = true
    }
    eks-pod-identity-agent = {
      addon_version  = var.addon_versions.eks_pod_identity_agent
      most_recent    = true
      before_compute = true
    }
  }, local.ebs_csi_addon)

  eks_managed_node_groups = merge(local.system_node_group, local.gpu_node_group)

  node_security_group_tags = {
    "karpenter.sh/discovery" = var.cluster_name
  }

  tags = var.tags
}
