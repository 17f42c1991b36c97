variable "name_prefix" {
  description = "Prefix of the role names: <prefix>-plan, <prefix>-apply, <prefix>-image-push, <prefix>-deploy."
  type        = string
  default     = "gpuship"

  validation {
    condition     = can(regex("^[a-zA-Z][a-zA-Z0-9+=,.@_-]{0,50}$", var.name_prefix))
    error_message = "name_prefix must start with a letter and use IAM name characters (at most 51, leaving room for the role suffix)."
  }
}

variable "repository" {
  description = "The one GitHub repository, as owner/name, whose workflows may assume the roles. Wildcards are refused."
  type        = string

  validation {
    condition     = can(regex("^[A-Za-z0-9](?:[A-Za-z0-9-]{0,38})/[A-Za-z0-9._-]{1,100}$", var.repository))
    error_message = "repository must be exactly owner/name (for example \"acme/inference\"); wildcards such as \"acme/*\" would let any repository of the owner assume the roles."
  }
}

variable "protected_branch" {
  description = "Branch whose pushes may apply, push images and deploy (when no environment is set for that role)."
  type        = string
  default     = "main"

  validation {
    condition     = can(regex("^[A-Za-z0-9._/-]+$", var.protected_branch)) && !can(regex("\\*|\\?", var.protected_branch))
    error_message = "protected_branch must be one branch name such as \"main\", without wildcards."
  }
}

variable "apply_environment" {
  description = "GitHub environment of the apply (and teardown) job: only jobs in it, behind its protection rules, may assume the apply role. Null trusts pushes to protected_branch instead."
  type        = string
  default     = "production"

  validation {
    condition     = var.apply_environment == null || can(regex("^[A-Za-z0-9._ -]{1,255}$", var.apply_environment))
    error_message = "apply_environment must be a GitHub environment name without wildcards, or null."
  }
}

variable "deploy_environment" {
  description = "GitHub environment of the deploy job: only jobs in it may assume the deploy role. Null trusts pushes to protected_branch instead."
  type        = string
  default     = "production"

  validation {
    condition     = var.deploy_environment == null || can(regex("^[A-Za-z0-9._ -]{1,255}$", var.deploy_environment))
    error_message = "deploy_environment must be a GitHub environment name without wildcards, or null."
  }
}

variable "plan_trust_protected_branch" {
  description = "Also let jobs on protected_branch (scheduled drift checks, doctor runs) assume the read-only plan role. Off: only pull requests may."
  type        = bool
  default     = false
}

variable "deploy_role_builds_images" {
  description = "Let the deploy role also push to ecr_repository_arns and be assumed from protected_branch, for workflows whose build job runs outside the deploy environment with the same role (rebuild.yml). Off keeps building to the image-push role."
  type        = bool
  default     = false
}

variable "create_oidc_provider" {
  description = "Create the account's GitHub OIDC provider. Set false when the account already has one and pass oidc_provider_arn."
  type        = bool
  default     = true
}

variable "oidc_provider_arn" {
  description = "ARN of an existing token.actions.githubusercontent.com OIDC provider (when create_oidc_provider is false)."
  type        = string
  default     = null

  validation {
    condition     = var.oidc_provider_arn == null || can(regex("^arn:aws[a-zA-Z-]*:iam::[0-9]{12}:oidc-provider/token\\.actions\\.githubusercontent\\.com$", var.oidc_provider_arn))
    error_message = "oidc_provider_arn must be arn:aws:iam::<account>:oidc-provider/token.actions.githubusercontent.com, or null."
  }

  validation {
    condition     = var.create_oidc_provider || var.oidc_provider_arn != null
    error_message = "oidc_provider_arn is required when create_oidc_provider is false."
  }
}

variable "oidc_thumbprints" {
  description = "Thumbprints for the OIDC provider. AWS validates GitHub's certificate through its own trust store; the API still requires a value."
  type        = list(string)
  default     = ["6938fd4d98bab03faadb97b34396831e3780aea1", "1c58a3a8518e8759bf075b76b750d4f2df264fcd"]

  validation {
    condition     = length(var.oidc_thumbprints) >= 1 && alltrue([for t in var.oidc_thumbprints : can(regex("^[0-9a-f]{40}$", t))])
    error_message = "oidc_thumbprints must contain 40-character lowercase hex SHA-1 thumbprints."
  }
}

variable "audience" {
  description = "Audience the ID token must carry (the aud claim); aws-actions and gpuship request sts.amazonaws.com."
  type        = string
  default     = "sts.amazonaws.com"

  validation {
    condition     = length(var.audience) > 0 && !can(regex("\\*|\\?", var.audience))
    error_message = "audience must be one literal value such as \"sts.amazonaws.com\"."
  }
}

variable "state_bucket_arn" {
  description = "ARN of the Terraform state bucket (from the state_backend module)."
  type        = string

  validation {
    condition     = can(regex("^arn:aws[a-zA-Z-]*:s3:::[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$", var.state_bucket_arn))
    error_message = "state_bucket_arn must be an S3 bucket ARN such as arn:aws:s3:::acme-tfstate."
  }
}

variable "state_key_prefix" {
  description = "Key prefix of the state objects the roles may touch (for example \"gpuship/\"). Empty allows the whole bucket."
  type        = string
  default     = ""

  validation {
    condition     = !startswith(var.state_key_prefix, "/") && !can(regex("\\*", var.state_key_prefix))
    error_message = "state_key_prefix must not start with '/' nor contain '*'."
  }
}

variable "state_kms_key_arn" {
  description = "Customer-managed KMS key of the state bucket, when it uses one; the roles get decrypt/encrypt on it."
  type        = string
  default     = null

  validation {
    condition     = var.state_kms_key_arn == null || can(regex("^arn:aws[a-zA-Z-]*:kms:[a-z0-9-]+:[0-9]{12}:key/.+$", var.state_kms_key_arn))
    error_message = "state_kms_key_arn must be a KMS key ARN or null."
  }
}

variable "plan_managed_policy_names" {
  description = "AWS managed policies (by name) for the plan role's read access to the resources it refreshes."
  type        = list(string)
  default     = ["ReadOnlyAccess"]

  validation {
    condition     = alltrue([for p in var.plan_managed_policy_names : can(regex("^[A-Za-z0-9_+=,.@/-]+$", p)) && !contains(["AdministratorAccess", "PowerUserAccess", "IAMFullAccess"], p)])
    error_message = "plan_managed_policy_names must be AWS managed policy names and never a write policy such as AdministratorAccess."
  }
}

variable "apply_managed_policy_names" {
  description = "AWS managed policies (by name) the apply role needs to create the platform, for example [\"PowerUserAccess\", \"IAMFullAccess\"]."
  type        = list(string)

  validation {
    condition     = length(var.apply_managed_policy_names) > 0 && alltrue([for p in var.apply_managed_policy_names : can(regex("^[A-Za-z0-9_+=,.@/-]+$", p))])
    error_message = "apply_managed_policy_names must list at least one AWS managed policy name."
  }
}

variable "apply_permissions_boundary_arn" {
  description = "Permissions boundary for the apply role, to cap what it can grant."
  type        = string
  default     = null

  validation {
    condition     = var.apply_permissions_boundary_arn == null || can(regex("^arn:aws[a-zA-Z-]*:iam::([0-9]{12}|aws):policy/.+$", var.apply_permissions_boundary_arn))
    error_message = "apply_permissions_boundary_arn must be an IAM policy ARN or null."
  }
}

variable "create_image_push_role" {
  description = "Create the role that pushes images to ecr_repository_arns."
  type        = bool
  default     = true
}

variable "ecr_repository_arns" {
  description = "ECR repositories the image-push role may push to."
  type        = list(string)
  default     = []

  validation {
    condition     = alltrue([for a in var.ecr_repository_arns : can(regex("^arn:aws[a-zA-Z-]*:ecr:[a-z0-9-]+:[0-9]{12}:repository/.+$", a))])
    error_message = "ecr_repository_arns must contain ECR repository ARNs."
  }
}

variable "create_deploy_role" {
  description = "Create the deploy role and its namespace-scoped EKS access entry."
  type        = bool
  default     = true
}

variable "cluster_name" {
  description = "EKS cluster the deploy role may describe and deploy to (required with create_deploy_role)."
  type        = string
  default     = null

  validation {
    condition     = !var.create_deploy_role || var.cluster_name != null
    error_message = "cluster_name is required when create_deploy_role is true."
  }
}

variable "deploy_namespaces" {
  description = "Namespaces the deploy role may change; its access entry is scoped to them."
  type        = list(string)
  default     = ["inference"]

  validation {
    condition     = length(var.deploy_namespaces) > 0 && alltrue([for n in var.deploy_namespaces : can(regex("^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$", n))])
    error_message = "deploy_namespaces must list Kubernetes namespace names (lowercase DNS labels), not wildcards."
  }
}

variable "deploy_access_policy" {
  description = "EKS access policy granted to the deploy role in deploy_namespaces."
  type        = string
  default     = "AmazonEKSEditPolicy"

  validation {
    condition     = contains(["AmazonEKSEditPolicy", "AmazonEKSViewPolicy", "AmazonEKSAdminPolicy"], var.deploy_access_policy)
    error_message = "deploy_access_policy must be AmazonEKSEditPolicy, AmazonEKSViewPolicy or AmazonEKSAdminPolicy (never the cluster-admin policy)."
  }
}

variable "max_session_duration" {
  description = "Maximum session length of the roles, in seconds. Long Triton rollouts re-assume with the web identity token file rather than needing long sessions."
  type        = number
  default     = 3600

  validation {
    condition     = var.max_session_duration >= 3600 && var.max_session_duration <= 43200
    error_message = "max_session_duration must be between 3600 and 43200 seconds."
  }
}

variable "tags" {
  description = "Tags applied to every resource."
  type        = map(string)
  default     = {}
}
