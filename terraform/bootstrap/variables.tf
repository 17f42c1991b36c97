variable "region" {
  description = "AWS region of the state bucket (usually the region of the platform)."
  type        = string

  validation {
    condition     = can(regex("^[a-z]{2}(-gov|-iso[a-z]?)?-[a-z]+-[0-9]$", var.region))
    error_message = "region must be an AWS region code such as us-east-1."
  }
}

variable "bucket_name" {
  description = "Name of the state bucket to create; globally unique, so include the organisation (for example \"acme-gpuship-tfstate\")."
  type        = string

  validation {
    condition     = can(regex("^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$", var.bucket_name))
    error_message = "bucket_name must be 3-63 characters of lowercase letters, digits, '.' or '-'."
  }
}

variable "kms_key_arn" {
  description = "Customer-managed KMS key for the state; null uses the AWS-managed aws/s3 key."
  type        = string
  default     = null
}

variable "tags" {
  description = "Tags applied to every resource."
  type        = map(string)
  default     = { "managed-by" = "terraform", "gpuship.io/part" = "state-backend" }
}
