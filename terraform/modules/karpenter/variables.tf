variable "cluster_name" {
  description = "Name of the EKS cluster Karpenter provisions nodes for."
  type        = string

  validation {
    condition     = can(regex("^[a-zA-Z][a-zA-Z0-9-]{0,99}$", var.cluster_name))
    error_message = "cluster_name must start with a letter and use letters, digits or '-'."
  }
}

variable "karpenter_version" {
  description = "Version of the Karpenter helm chart (oci://public.ecr.aws/karpenter/karpenter); must support the cluster's Kubernetes version."
  type        = string
  default     = "1.4.0"

  validation {
    condition     = can(regex("^1\\.[0-9]+\\.[0-9]+$", var.karpenter_version))
    error_message = "karpenter_version must be a v1 chart version such as \"1.4.0\" (the NodePool manifests use the karpenter.sh/v1 API)."
  }
}

variable "namespace" {
  description = "Namespace of the Karpenter controller."
  type        = string
  default     = "kube-system"

  validation {
    condition     = can(regex("^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$", var.namespace))
    error_message = "namespace must be a Kubernetes namespace name."
  }
}

variable "service_account" {
  description = "Service account of the Karpenter controller (bound to its IAM role)."
  type        = string
  default     = "karpenter"

  validation {
    condition     = can(regex("^[a-z0-9]([-a-z0-9.]{0,251}[a-z0-9])?$", var.service_account))
    error_message = "service_account must be a Kubernetes name."
  }
}

variable "use_pod_identity" {
  description = "Bind the controller role with EKS Pod Identity (needs the eks-pod-identity-agent add-on). False uses IRSA and needs oidc_provider_arn."
  type        = bool
  default     = true
}

variable "oidc_provider_arn" {
  description = "ARN of the cluster's IAM OIDC provider, for IRSA (when use_pod_identity is false)."
  type        = string
  default     = null

  validation {
    condition     = var.oidc_provider_arn == null || can(regex("^arn:aws[a-zA-Z-]*:iam::[0-9]{12}:oidc-provider/.+$", var.oidc_provider_arn))
    error_message = "oidc_provider_arn must be an IAM OIDC provider ARN or null."
  }

  validation {
    condition     = var.use_pod_identity || var.oidc_provider_arn != null
    error_message = "oidc_provider_arn is required when use_pod_identity is false."
  }
}

variable "ami_alias" {
  description = "EC2NodeClass AMI alias. Karpenter picks the NVIDIA variant of the family for GPU instance types. Pin a version (al2023@v20250505) for reproducible rebuilds."
  type        = string
  default     = "al2023@latest"

  validation {
    condition     = can(regex("^(al2023|bottlerocket)@(latest|v[0-9]+(\\.[0-9]+)*)$", var.ami_alias))
    error_message = "ami_alias must be al2023@<version|latest> or bottlerocket@<version|latest>, for example \"al2023@latest\"."
  }
}

variable "gpu_instance_families" {
  description = "NVIDIA GPU instance families the GPU NodePool may launch."
  type        = list(string)
  default     = ["g5", "g6", "g6e"]

  validation {
    condition     = length(var.gpu_instance_families) > 0 && alltrue([for f in var.gpu_instance_families : can(regex("^(g[4-9]|p[3-9])[a-z]*$", f)) && !contains(["g5g"], f)])
    error_message = "gpu_instance_families must list NVIDIA GPU families such as g5, g6, g6e, p4d or p5 (g5g is Arm with T4G GPUs and needs an arm64 pool)."
  }
}

variable "gpu_capacity_types" {
  description = "Capacity types of the GPU NodePool. With both, Karpenter prefers spot and falls back to on-demand when spot GPUs are scarce."
  type        = list(string)
  default     = ["on-demand", "spot"]

  validation {
    condition     = length(var.gpu_capacity_types) > 0 && alltrue([for c in var.gpu_capacity_types : contains(["on-demand", "spot"], c)])
    error_message = "gpu_capacity_types must contain on-demand and/or spot (lowercase, as Karpenter spells them)."
  }
}

variable "gpu_limit" {
  description = "Upper bound on the total nvidia.com/gpu the GPU NodePool may provision: the budget guard."
  type        = number
  default     = 8

  validation {
    condition     = var.gpu_limit >= 1 && floor(var.gpu_limit) == var.gpu_limit
    error_message = "gpu_limit must be a whole number of at least 1."
  }
}

variable "gpu_max_per_node" {
  description = "Largest GPU count per node the GPU NodePool may pick (keeps it from choosing 8-GPU instances for one Triton pod)."
  type        = number
  default     = 4

  validation {
    condition     = contains([1, 2, 4, 8], var.gpu_max_per_node)
    error_message = "gpu_max_per_node must be 1, 2, 4 or 8."
  }
}

variable "gpu_consolidate_after" {
  description = "How long a GPU node must be empty or underused before Karpenter consolidates it. Long enough to ride out traffic dips; GPU nodes are slow to come back."
  type        = string
  default     = "10m"

  validation {
    condition     = can(regex("^[0-9]+(s|m|h)$", var.gpu_consolidate_after))
    error_message = "gpu_consolidate_after must be a duration such as \"30s\", \"10m\" or \"1h\"."
  }
}

variable "gpu_disk_size_gib" {
  description = "Root (AL2023) or data (Bottlerocket) volume of GPU nodes; Triton images and model caches are large."
  type        = number
  default     = 200

  validation {
    condition     = var.gpu_disk_size_gib >= 100 && var.gpu_disk_size_gib <= 16384
    error_message = "gpu_disk_size_gib must be between 100 and 16384."
  }
}

variable "cpu_instance_categories" {
  description = "Instance categories of the CPU NodePool."
  type        = list(string)
  default     = ["c", "m", "r"]

  validation {
    condition     = length(var.cpu_instance_categories) > 0 && alltrue([for c in var.cpu_instance_categories : contains(["c", "m", "r", "t"], c)])
    error_message = "cpu_instance_categories may contain c, m, r and t."
  }
}

variable "cpu_capacity_types" {
  description = "Capacity types of the CPU NodePool."
  type        = list(string)
  default     = ["on-demand", "spot"]

  validation {
    condition     = length(var.cpu_capacity_types) > 0 && alltrue([for c in var.cpu_capacity_types : contains(["on-demand", "spot"], c)])
    error_message = "cpu_capacity_types must contain on-demand and/or spot."
  }
}

variable "cpu_limit" {
  description = "Upper bound on the total vCPUs the CPU NodePool may provision."
  type        = number
  default     = 100

  validation {
    condition     = var.cpu_limit >= 1
    error_message = "cpu_limit must be at least 1."
  }
}

variable "node_expire_after" {
  description = "Maximum node lifetime before Karpenter replaces it (picks up new AMIs); \"Never\" disables."
  type        = string
  default     = "720h"

  validation {
    condition     = var.node_expire_after == "Never" || can(regex("^[0-9]+(m|h)$", var.node_expire_after))
    error_message = "node_expire_after must be a duration such as \"720h\" or \"Never\"."
  }
}

variable "controller_node_selector" {
  description = "nodeSelector for the Karpenter controller. It must not run on nodes it manages; the eks module labels its system group gpuship.io/node-role=system."
  type        = map(string)
  default     = { "gpuship.io/node-role" = "system" }
}

variable "interruption_queue_retention_seconds" {
  description = "How long an interruption event waits in the queue. Spot warnings give two minutes, so older messages are useless."
  type        = number
  default     = 300

  validation {
    condition     = var.interruption_queue_retention_seconds >= 60 && var.interruption_queue_retention_seconds <= 1209600
    error_message = "interruption_queue_retention_seconds must be between 60 and 1209600."
  }
}

variable "tags" {
  description = "Tags applied to every AWS resource and to the instances Karpenter launches."
  type        = map(string)
  default     = {}
}
