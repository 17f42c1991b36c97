# Plans the whole platform against mock providers: every module wired together, with the types of
# their inputs and outputs checked by terraform itself. `terraform init -backend=false` first.
mock_provider "aws" {
  mock_data "aws_iam_policy_document" {
    defaults = {
      json = "{\"Version\":\"2012-10-17\",\"Statement\":[]}"
    }
  }

  mock_data "aws_partition" {
    defaults = {
      partition  = "aws"
      dns_suffix = "amazonaws.com"
    }
  }

  mock_data "aws_region" {
    defaults = {
      name = "eu-west-1"
    }
  }

  mock_data "aws_caller_identity" {
    defaults = {
      account_id = "111122223333"
      arn        = "arn:aws:iam::111122223333:role/terraform"
    }
  }

  mock_data "aws_availability_zones" {
    defaults = {
      names    = ["eu-west-1a", "eu-west-1b", "eu-west-1c"]
      zone_ids = ["euw1-az1", "euw1-az2", "euw1-az3"]
    }
  }
}

mock_provider "helm" {}
mock_provider "kubernetes" {}
mock_provider "random" {}
mock_provider "tls" {}

variables {
  region            = "eu-west-1"
  github_repository = "acme/inference"
  state_bucket      = "acme-gpuship-tfstate"
}

run "plans_the_whole_platform" {
  command = plan

  assert {
    condition     = output.region == "eu-west-1" && output.cluster_name == "gpu-prod"
    error_message = "The example must output the region and cluster name the actions need."
  }

  assert {
    condition     = output.inference_namespace == "inference"
    error_message = "The inference namespace must be created."
  }

  assert {
    condition     = length(module.karpenter) == 1
    error_message = "Karpenter is the default autoscaler."
  }
}

run "managed_gpu_group_without_karpenter" {
  command = plan

  variables {
    enable_karpenter      = false
    create_gpu_node_group = true
    gpu_capacity_type     = "SPOT"
  }

  assert {
    condition     = length(module.karpenter) == 0 && output.karpenter_interruption_queue == null
    error_message = "Without Karpenter there is no interruption queue."
  }
}

run "rejects_lowercase_capacity_type" {
  command = plan

  variables {
    gpu_capacity_type = "spot"
  }

  expect_failures = [var.gpu_capacity_type]
}
