variable "cluster_name" {
  description = "Name of the EKS cluster."
  type        = string

  validation {
    condition     = can(regex("^[a-zA-Z][a-zA-Z0-9-]{0,99}$", var.cluster_name))
    error_message = "cluster_name must start with a letter and use letters, digits or '-' (at most 100 characters), for example \"gpu-prod\"."
  }
}

variable "kubernetes_version" {
  description = "Kubernetes minor version of the control plane, for example \"1.32\"."
  type        = string
  default     = "1.32"

  validation {
    condition     = can(regex("^1\\.(29|3[0-9])$", var.kubernetes_version))
    error_message = "kubernetes_version must be a supported minor version such as \"1.32\" (1.29 or newer)."
  }
}

variable "vpc_id" {
  description = "ID of the VPC the cluster runs in."
  type        = string

  validation {
    condition     = can(regex("^vpc-[0-9a-f]{8,17}$", var.vpc_id))
    error_message = "vpc_id must look like vpc-0123456789abcdef0."
  }
}

variable "subnet_ids" {
  description = "Private subnet IDs for the nodes (and the control plane unless control_plane_subnet_ids is set); at least two zones."
  type        = list(string)

  validation {
    condition     = length(var.subnet_ids) >= 2 && alltrue([for s in var.subnet_ids : can(regex("^subnet-[0-9a-f]{8,17}$", s))])
    error_message = "subnet_ids must list at least two subnet IDs like subnet-0123456789abcdef0."
  }
}

variable "control_plane_subnet_ids" {
  description = "Subnets for the control plane's network interfaces. Empty uses subnet_ids."
  type        = list(string)
  default     = []
}

variable "endpoint_public_access" {
  description = "Expose the Kubernetes API endpoint publicly (GitHub-hosted runners need this unless they reach the VPC another way)."
  type        = bool
  default     = true
}

variable "endpoint_public_access_cidrs" {
  description = "CIDRs allowed to reach the public API endpoint."
  type        = list(string)
  default     = ["0.0.0.0/0"]

  validation {
    condition     = alltrue([for c in var.endpoint_public_access_cidrs : can(cidrhost(c, 0))])
    error_message = "endpoint_public_access_cidrs must contain IPv4 CIDRs such as \"203.0.113.0/24\"."
  }
}

variable "endpoint_private_access" {
  description = "Expose the API endpoint inside the VPC, so nodes do not leave the VPC to reach it."
  type        = bool
  default     = true
}

variable "cluster_log_types" {
  description = "Control plane log types sent to CloudWatch."
  type        = list(string)
  default     = ["api", "audit", "authenticator"]

  validation {
    condition     = alltrue([for t in var.cluster_log_types : contains(["api", "audit", "authenticator", "controllerManager", "scheduler"], t)])
    error_message = "cluster_log_types may contain only api, audit, authenticator, controllerManager, scheduler."
  }
}

variable "cluster_log_retention_days" {
  description = "Retention of the control plane log group, in days."
  type        = number
  default     = 90

  validation {
    condition     = contains([1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653], var.cluster_log_retention_days)
    error_message = "cluster_log_retention_days must be a CloudWatch Logs retention value (1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, ...)."
  }
}

variable "enable_cluster_creator_admin_permissions" {
  description = "Give the identity that runs Terraform a cluster-admin access entry. Prefer admin_principal_arns for a stable set of admins."
  type        = bool
  default     = false
}

variable "admin_principal_arns" {
  description = "IAM role or user ARNs given cluster-wide admin through access entries (AmazonEKSClusterAdminPolicy)."
  type        = list(string)
  default     = []

  validation {
    condition     = alltrue([for a in var.admin_principal_arns : can(regex("^arn:aws[a-zA-Z-]*:iam::[0-9]{12}:(role|user)/.+$", a))])
    error_message = "admin_principal_arns must contain IAM role or user ARNs such as arn:aws:iam::<account>:role/<name>."
  }
}

variable "access_entries" {
  description = "Additional access entries, in the terraform-aws-modules/eks access_entries format (principal_arn, kubernetes_groups, policy_associations)."
  type        = any
  default     = {}
}

variable "addon_versions" {
  description = "Pinned versions of the EKS add-ons (for example \"v1.19.3-eksbuild.1\"). A null version takes the newest one compatible with kubernetes_version at plan time."
  type = object({
    vpc_cni                = optional(string)
    kube_proxy             = optional(string)
    coredns                = optional(string)
    eks_pod_identity_agent = optional(string)
    aws_ebs_csi_driver     = optional(string)
  })
  default = {}

  validation {
    condition     = alltrue([for v in values(var.addon_versions) : v == null || can(regex("^v[0-9]+\\.[0-9]+\\.[0-9]+-eksbuild\\.[0-9]+$", v))])
    error_message = "addon_versions values must look like \"v1.19.3-eksbuild.1\" (see aws eks describe-addon-versions)."
  }
}

variable "enable_ebs_csi_driver" {
  description = "Install the aws-ebs-csi-driver add-on (bound by Pod Identity) with a default gp3 StorageClass, so PersistentVolumeClaims (Prometheus, model caches) get volumes."
  type        = bool
  default     = true
}

variable "system_node_group" {
  description = "CPU node group for cluster add-ons (CoreDNS, Karpenter, Prometheus)."
  type = object({
    instance_types = optional(list(string), ["m6i.large", "m7i.large"])
    capacity_type  = optional(string, "ON_DEMAND")
    min_size       = optional(number, 2)
    max_size       = optional(number, 4)
    desired_size   = optional(number, 2)
    disk_size_gib  = optional(number, 50)
  })
  default = {}

  validation {
    condition     = contains(["ON_DEMAND", "SPOT"], var.system_node_group.capacity_type)
    error_message = "system_node_group.capacity_type must be ON_DEMAND or SPOT."
  }

  validation {
    condition     = var.system_node_group.min_size <= var.system_node_group.desired_size && var.system_node_group.desired_size <= var.system_node_group.max_size && var.system_node_group.max_size >= 1
    error_message = "system_node_group sizes must satisfy min_size <= desired_size <= max_size and max_size >= 1."
  }
}

variable "create_gpu_node_group" {
  description = "Create the managed GPU node group. Turn off when Karpenter provisions all GPU capacity."
  type        = bool
  default     = true
}

variable "gpu_node_group" {
  description = "Managed GPU node group: NVIDIA AMI type, instance types, capacity type (ON_DEMAND or SPOT), sizes, disk, extra labels and the GPUs per node (for cluster-autoscaler scale-from-zero)."
  type = object({
    ami_type       = optional(string, "AL2023_x86_64_NVIDIA")
    instance_types = optional(list(string), ["g5.xlarge", "g5.2xlarge", "g6.xlarge"])
    capacity_type  = optional(string, "ON_DEMAND")
    min_size       = optional(number, 0)
    max_size       = optional(number, 2)
    desired_size   = optional(number, 1)
    disk_size_gib  = optional(number, 200)
    gpus_per_node  = optional(number, 1)
    labels         = optional(map(string), {})
  })
  default = {}

  validation {
    condition     = contains(["AL2023_x86_64_NVIDIA", "AL2023_ARM_64_NVIDIA", "BOTTLEROCKET_x86_64_NVIDIA", "BOTTLEROCKET_ARM_64_NVIDIA"], var.gpu_node_group.ami_type)
    error_message = "gpu_node_group.ami_type must be an NVIDIA AMI type: AL2023_x86_64_NVIDIA, AL2023_ARM_64_NVIDIA, BOTTLEROCKET_x86_64_NVIDIA or BOTTLEROCKET_ARM_64_NVIDIA."
  }

  validation {
    condition     = length(var.gpu_node_group.instance_types) > 0 && alltrue([for t in var.gpu_node_group.instance_types : can(regex("^(g[0-9]+[a-z]*|p[0-9]+[a-z]*)\\.[0-9]*[a-z]+$", t))])
    error_message = "gpu_node_group.instance_types must be NVIDIA GPU instance types from the g or p families, for example [\"g5.xlarge\", \"g6e.2xlarge\"]."
  }

  validation {
    condition     = contains(["ON_DEMAND", "SPOT"], var.gpu_node_group.capacity_type)
    error_message = "gpu_node_group.capacity_type must be ON_DEMAND or SPOT."
  }

  validation {
    condition     = var.gpu_node_group.min_size >= 0 && var.gpu_node_group.min_size <= var.gpu_node_group.desired_size && var.gpu_node_group.desired_size <= var.gpu_node_group.max_size && var.gpu_node_group.max_size >= 1
    error_message = "gpu_node_group sizes must satisfy 0 <= min_size <= desired_size <= max_size and max_size >= 1."
  }

  validation {
    condition     = var.gpu_node_group.disk_size_gib >= 100
    error_message = "gpu_node_group.disk_size_gib must be at least 100: Triton images and model caches do not fit on a smaller root volume."
  }

  validation {
    condition     = var.gpu_node_group.gpus_per_node >= 1 && var.gpu_node_group.gpus_per_node <= 16
    error_message = "gpu_node_group.gpus_per_node must be between 1 and 16."
  }
}

variable "install_nvidia_device_plugin" {
  description = "Install the NVIDIA device plugin (helm) so nvidia.com/gpu appears in node allocatable. Bottlerocket NVIDIA AMIs ship their own and are skipped."
  type        = bool
  default     = true
}

variable "nvidia_device_plugin_version" {
  description = "Version of the nvidia-device-plugin helm chart."
  type        = string
  default     = "0.17.1"

  validation {
    condition     = can(regex("^[0-9]+\\.[0-9]+\\.[0-9]+$", var.nvidia_device_plugin_version))
    error_message = "nvidia_device_plugin_version must be a chart version such as \"0.17.1\"."
  }
}

variable "enable_cluster_autoscaler_tags" {
  description = "Tag the node groups' Auto Scaling groups for cluster-autoscaler discovery and scale-from-zero (labels, GPU taint, GPU count)."
  type        = bool
  default     = true
}

variable "tags" {
  description = "Tags applied to every resource."
  type        = map(string)
  default     = {}
}
