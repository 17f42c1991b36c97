mock_provider "aws" {
  mock_data "aws_availability_zones" {
    defaults = {
      names    = ["eu-west-1a", "eu-west-1b", "eu-west-1c", "eu-west-1d"]
      zone_ids = ["euw1-az1", "euw1-az2", "euw1-az3", "euw1-az4"]
    }
  }

  mock_data "aws_iam_policy_document" {
    defaults = {
      json = "{\"Version\":\"2012-10-17\",\"Statement\":[]}"
    }
  }
}

variables {
  name         = "gpuship"
  cluster_name = "gpu-prod"
}

run "three_zones_with_tagged_subnets" {
  command = plan

  assert {
    condition     = length(local.azs) == 3
    error_message = "Defaults must spread over three availability zones."
  }

  assert {
    condition     = length(local.private_subnets) == 3 && length(local.public_subnets) == 3
    error_message = "There must be one public and one private subnet per zone."
  }

  assert {
    condition     = length(distinct(concat(local.private_subnets, local.public_subnets))) == 6
    error_message = "Subnet CIDRs must not overlap."
  }
}

run "explicit_zones_win" {
  command = plan

  variables {
    azs = ["eu-west-1b", "eu-west-1c"]
  }

  assert {
    condition     = local.azs == ["eu-west-1b", "eu-west-1c"]
    error_message = "Explicit azs must be used as given."
  }
}

run "endpoints_split_gateway_and_interface" {
  command = plan

  variables {
    enable_vpc_endpoints = true
  }

  assert {
    condition     = !contains(local.interface_endpoints, "s3") && contains(local.interface_endpoints, "ecr.dkr")
    error_message = "s3 must be a gateway endpoint and ecr.dkr an interface endpoint."
  }
}

run "rejects_bad_cidr" {
  command = plan

  variables {
    cidr = "10.0.0.0/8"
  }

  expect_failures = [var.cidr]
}

run "rejects_unknown_endpoint_service" {
  command = plan

  variables {
    vpc_endpoint_services = ["dynamodb-typo"]
  }

  expect_failures = [var.vpc_endpoint_services]
}
