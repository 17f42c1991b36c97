terraform {
  required_version = ">= 1.10.0"

  # No backend on purpose: this root creates the bucket every other root keeps its state in, so its
  # own state starts local. See docs/terraform-modules.md for moving it into the bucket afterwards.

  required_providers {
    aws = {
      source  = "hashicorp/aws"
      version = ">= 5.95.0, < 6.0.0"
    }
  }
}
