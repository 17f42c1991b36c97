variable "repositories" {
  description = "Names of the ECR repositories to create (for example [\"triton\"]). Lowercase, may contain '/' namespaces."
  type        = list(string)

  validation {
    condition     = length(var.repositories) > 0 && alltrue([for r in var.repositories : can(regex("^[a-z0-9]+([._-][a-z0-9]+)*(/[a-z0-9]+([._-][a-z0-9]+)*)*$", r)) && length(r) <= 256])
    error_message = "repositories must list at least one name of lowercase letters, digits and . _ - separators, optionally namespaced with '/', for example \"ml/triton\"."
  }
}

variable "image_tag_mutability" {
  description = "IMMUTABLE makes a tag point at one digest forever, so a deployed tag cannot silently change."
  type        = string
  default     = "IMMUTABLE"

  validation {
    condition     = contains(["IMMUTABLE", "MUTABLE"], var.image_tag_mutability)
    error_message = "image_tag_mutability must be IMMUTABLE or MUTABLE."
  }
}

variable "scan_on_push" {
  description = "Scan every pushed image for vulnerabilities (basic scanning)."
  type        = bool
  default     = true
}

variable "keep_last_images" {
  description = "Number of tagged images kept per repository by the lifecycle policy; older ones expire."
  type        = number
  default     = 30

  validation {
    condition     = var.keep_last_images >= 1 && var.keep_last_images <= 1000 && floor(var.keep_last_images) == var.keep_last_images
    error_message = "keep_last_images must be a whole number between 1 and 1000."
  }
}

variable "untagged_expiry_days" {
  description = "Days after which untagged images (left behind by rebuilt layers and manifest lists) expire."
  type        = number
  default     = 7

  validation {
    condition     = var.untagged_expiry_days >= 1 && floor(var.untagged_expiry_days) == var.untagged_expiry_days
    error_message = "untagged_expiry_days must be a whole number of at least 1."
  }
}

variable "pull_principal_arns" {
  description = "IAM role ARNs allowed to pull (the EKS node roles). Same-account roles with AmazonEC2ContainerRegistryReadOnly can pull anyway; this also covers cross-account nodes."
  type        = list(string)
  default     = []

  validation {
    condition     = alltrue([for a in var.pull_principal_arns : can(regex("^arn:aws[a-zA-Z-]*:iam::[0-9]{12}:role/.+$", a))])
    error_message = "pull_principal_arns must contain IAM role ARNs such as arn:aws:iam::<account>:role/<name>."
  }
}

variable "push_principal_arns" {
  description = "IAM role ARNs allowed to push (the GitHub Actions image-push role)."
  type        = list(string)
  default     = []

  validation {
    condition     = alltrue([for a in var.push_principal_arns : can(regex("^arn:aws[a-zA-Z-]*:iam::[0-9]{12}:role/.+$", a))])
    error_message = "push_principal_arns must contain IAM role ARNs such as arn:aws:iam::<account>:role/<name>."
  }
}

variable "kms_key_arn" {
  description = "Customer-managed KMS key for image encryption. Null uses AES256."
  type        = string
  default     = null

  validation {
    condition     = var.kms_key_arn == null || can(regex("^arn:aws[a-zA-Z-]*:kms:[a-z0-9-]+:[0-9]{12}:key/.+$", var.kms_key_arn))
    error_message = "kms_key_arn must be a KMS key ARN or null."
  }
}

variable "force_delete" {
  description = "Let terraform destroy delete repositories that still hold images. Keep false for anything but sandboxes."
  type        = bool
  default     = false
}

variable "tags" {
  description = "Tags applied to every resource."
  type        = map(string)
  default     = {}
}
