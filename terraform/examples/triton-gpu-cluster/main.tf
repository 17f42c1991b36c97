data "aws_partition" "current" {}

locals {
  tags = merge({
    "gpuship.io/cluster" = var.cluster_name
    "managed-by"         = "terraform"
  }, var.tags)

  karpenter_capacity_types = var.gpu_capacity_type == "SPOT" ? ["spot", "on-demand"] : ["on-demand"]
}

module "vpc" {
  source = "../../modules/vpc"

  name                 = var.cluster_name
  cluster_name         = var.cluster_name
  single_nat_gateway   = var.single_nat_gateway
  enable_vpc_endpoints = var.enable_vpc_endpoints
  tags                 = local.tags
}

module "eks" {
  source = "../../modules/eks"

  cluster_name       = var.cluster_name
  kubernetes_version = var.kubernetes_version
  vpc_id             = module.vpc.vpc_id
  subnet_ids         = module.vpc.private_subnets

  enable_cluster_creator_admin_permissions = var.enable_cluster_creator_admin_permissions
  admin_principal_arns                     = var.admin_principal_arns

  create_gpu_node_group = var.create_gpu_node_group
  gpu_node_group = {
    instance_types = var.gpu_instance_types
    capacity_type  = var.gpu_capacity_type
    min_size       = 0
    desired_size   = 1
    max_size       = 2
  }

  tags = local.tags
}

module "karpenter" {
  source = "../../modules/karpenter"
  count  = var.enable_karpenter ? 1 : 0

  cluster_name          = module.eks.cluster_name
  gpu_instance_families = var.gpu_instance_families
  gpu_capacity_types    = local.karpenter_capacity_types
  gpu_limit             = var.gpu_limit
  tags                  = local.tags

  depends_on = [module.eks]
}

module "monitoring" {
  source = "../../modules/monitoring"

  system_node_selector = { "gpuship.io/node-role" = "system" }
  prometheus_storage = module.eks.default_storage_class == null ? null : {
    storage_class_name = module.eks.default_storage_class
    size               = var.prometheus_storage_size
  }

  depends_on = [module.eks]
}

module "ecr" {
  source = "../../modules/ecr"

  repositories        = var.ecr_repositories
  pull_principal_arns = concat([module.eks.node_iam_role_arn], [for k in module.karpenter : k.node_iam_role_arn])
  tags                = local.tags
}

module "github_actions_oidc" {
  source = "../../modules/github_actions_oidc"

  name_prefix        = var.cluster_name
  repository         = var.github_repository
  protected_branch   = var.protected_branch
  apply_environment  = var.apply_environment
  deploy_environment = var.deploy_environment

  # drift.yml and doctor.yml refresh from the default branch with the read-only plan role, and
  # rebuild.yml builds (outside the environment) and deploys (inside it) with the deploy role.
  plan_trust_protected_branch = true
  deploy_role_builds_images   = true

  state_bucket_arn           = "arn:${data.aws_partition.current.partition}:s3:::${var.state_bucket}"
  state_key_prefix           = "gpuship/"
  apply_managed_policy_names = var.apply_managed_policy_names

  ecr_repository_arns = values(module.ecr.repository_arns)
  cluster_name        = module.eks.cluster_name
  deploy_namespaces   = [var.inference_namespace]

  tags = local.tags
}

# Created here rather than by the deploy job: the deploy role's rights stop at this namespace.
resource "kubernetes_namespace_v1" "inference" {
  metadata {
    name = var.inference_namespace
    labels = {
      "app.kubernetes.io/managed-by" = "terraform"
      "gpuship.io/workload"          = "triton"
    }
  }

  depends_on = [module.eks]
}
