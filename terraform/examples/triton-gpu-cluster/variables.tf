variable "region" {
  description = "AWS region of the platform."
  type        = string

  validation {
    condition     = can(regex("^[a-z]{2}(-gov|-iso[a-z]?)?-[a-z]+-[0-9]$", var.region))
    error_message = "region must be an AWS region code such as us-east-1."
  }
}

variable "cluster_name" {
  description = "Name of the EKS cluster; also names the VPC, the IAM roles and the Karpenter queue."
  type        = string
  default     = "gpu-prod"

  validation {
    condition     = can(regex("^[a-zA-Z][a-zA-Z0-9-]{0,37}$", var.cluster_name))
    error_message = "cluster_name must start with a letter and use letters, digits or '-' (at most 38 characters, so derived role names fit)."
  }
}

variable "kubernetes_version" {
  description = "Kubernetes minor version of the cluster."
  type        = string
  default     = "1.32"
}

variable "github_repository" {
  description = "The GitHub repository (owner/name) whose workflows plan, apply, push images and deploy."
  type        = string
}

variable "protected_branch" {
  description = "Branch whose pushes apply and deploy."
  type        = string
  default     = "main"
}

variable "apply_environment" {
  description = "GitHub environment the apply and teardown jobs run in (give it required reviewers). Null trusts pushes to protected_branch."
  type        = string
  default     = "production"
}

variable "deploy_environment" {
  description = "GitHub environment the rollout job runs in. Null trusts pushes to protected_branch."
  type        = string
  default     = "production"
}

variable "state_bucket" {
  description = "Name of the state bucket created by terraform/bootstrap (the same as in backend.hcl)."
  type        = string
}

variable "apply_managed_policy_names" {
  description = "AWS managed policies of the apply role. Creating VPCs, EKS and IAM roles needs broad rights; narrow them with a permissions boundary where you can."
  type        = list(string)
  default     = ["PowerUserAccess", "IAMFullAccess"]
}

variable "admin_principal_arns" {
  description = "IAM roles or users given cluster-admin (for people, not pipelines)."
  type        = list(string)
  default     = []
}

variable "enable_cluster_creator_admin_permissions" {
  description = "Give the identity running the first apply cluster-admin, so the helm and kubernetes providers can install add-ons."
  type        = bool
  default     = true
}

variable "enable_karpenter" {
  description = "Provision GPU and CPU capacity with Karpenter (the default autoscaler)."
  type        = bool
  default     = true
}

variable "create_gpu_node_group" {
  description = "Also create a managed GPU node group (for cluster-autoscaler users, or a warm GPU floor)."
  type        = bool
  default     = false
}

variable "gpu_capacity_type" {
  description = "GPU capacity: ON_DEMAND, or SPOT (Karpenter then allows spot with on-demand fallback)."
  type        = string
  default     = "ON_DEMAND"

  validation {
    condition     = contains(["ON_DEMAND", "SPOT"], var.gpu_capacity_type)
    error_message = "gpu_capacity_type must be ON_DEMAND or SPOT."
  }
}

variable "gpu_instance_types" {
  description = "Instance types of the managed GPU node group."
  type        = list(string)
  default     = ["g5.xlarge", "g5.2xlarge", "g6.xlarge"]
}

variable "gpu_instance_families" {
  description = "GPU instance families Karpenter may launch."
  type        = list(string)
  default     = ["g5", "g6", "g6e"]
}

variable "gpu_limit" {
  description = "Maximum number of GPUs Karpenter may run at once (the budget guard)."
  type        = number
  default     = 8
}

variable "single_nat_gateway" {
  description = "One NAT gateway for all zones (cheaper) instead of one per zone."
  type        = bool
  default     = true
}

variable "enable_vpc_endpoints" {
  description = "VPC endpoints for ECR, S3, STS and EC2, so multi-gigabyte Triton image pulls skip the NAT gateway."
  type        = bool
  default     = true
}

variable "prometheus_storage_size" {
  description = "Size of Prometheus' persistent volume (on the EBS CSI default StorageClass)."
  type        = string
  default     = "50Gi"
}

variable "ecr_repositories" {
  description = "ECR repositories to create; the first is the Triton image repository."
  type        = list(string)
  default     = ["triton"]
}

variable "inference_namespace" {
  description = "Namespace Triton is deployed to; the deploy role may change only this namespace."
  type        = string
  default     = "inference"

  validation {
    condition     = can(regex("^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$", var.inference_namespace))
    error_message = "inference_namespace must be a Kubernetes namespace name."
  }
}

variable "tags" {
  description = "Extra tags for every AWS resource."
  type        = map(string)
  default     = {}
}
