terraform {
  required_version = ">= 1.10.0"

  # Partial configuration: bucket and region come from backend.hcl (written by terraform/bootstrap),
  # so no account-specific value is committed. use_lockfile locks with an S3 object, no DynamoDB.
  backend "s3" {
    key          = "gpuship/triton-gpu-cluster.tfstate"
    encrypt      = true
    use_lockfile = true
  }

  required_providers {
    aws = {
      source  = "hashicorp/aws"
      version = ">= 5.95.0, < 6.0.0"
    }
    helm = {
      source  = "hashicorp/helm"
      version = ">= 2.17.0, < 3.0.0"
    }
    kubernetes = {
      source  = "hashicorp/kubernetes"
      version = ">= 2.36.0, < 3.0.0"
    }
    random = {
      source  = "hashicorp/random"
      version = ">= 3.6.0, < 4.0.0"
    }
  }
}
