variable "bucket_name" {
  description = "Name of the S3 bucket that holds Terraform state. Globally unique; 3-63 lowercase letters, digits, dots or hyphens."
  type        = string

  validation {
    condition     = can(regex("^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$", var.bucket_name)) && !can(regex("\\.\\.|^\\d+\\.\\d+\\.\\d+\\.\\d+$|^xn--|-s3alias$", var.bucket_name))
    error_message = "bucket_name must be 3-63 characters of lowercase letters, digits, '.' or '-', start and end with a letter or digit, and not look like an IP address (for example \"acme-gpuship-tfstate\")."
  }
}

variable "kms_key_arn" {
  description = "ARN of a customer-managed KMS key for state encryption. Null uses the AWS-managed aws/s3 key (SSE-KMS)."
  type        = string
  default     = null

  validation {
    condition     = var.kms_key_arn == null || can(regex("^arn:aws[a-zA-Z-]*:kms:[a-z0-9-]+:[0-9]{12}:(key|alias)/.+$", var.kms_key_arn))
    error_message = "kms_key_arn must be a KMS key or alias ARN such as arn:aws:kms:<region>:<account>:key/<id>, or null."
  }
}

variable "noncurrent_version_expiration_days" {
  description = "Days after which a superseded state version is deleted. Old versions are how a broken state is recovered, so keep weeks, not days."
  type        = number
  default     = 90

  validation {
    condition     = var.noncurrent_version_expiration_days >= 7 && floor(var.noncurrent_version_expiration_days) == var.noncurrent_version_expiration_days
    error_message = "noncurrent_version_expiration_days must be a whole number of at least 7."
  }
}

variable "noncurrent_versions_to_keep" {
  description = "Number of newest superseded versions kept regardless of age."
  type        = number
  default     = 20

  validation {
    condition     = var.noncurrent_versions_to_keep >= 1 && var.noncurrent_versions_to_keep <= 100
    error_message = "noncurrent_versions_to_keep must be between 1 and 100 (the S3 lifecycle limit)."
  }
}

variable "force_destroy" {
  description = "Allow terraform destroy to delete a bucket that still holds state. Leave false outside throwaway sandboxes."
  type        = bool
  default     = false
}

variable "tags" {
  description = "Tags applied to every resource."
  type        = map(string)
  default     = {}
}
