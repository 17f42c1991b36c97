mock_provider "aws" {
  mock_data "aws_iam_policy_document" {
    defaults = {
      json = "{\"Version\":\"2012-10-17\",\"Statement\":[]}"
    }
  }

  mock_data "aws_partition" {
    defaults = {
      partition = "aws"
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
    }
  }
}

variables {
  repository                 = "acme/inference"
  state_bucket_arn           = "arn:aws:s3:::acme-tfstate"
  apply_managed_policy_names = ["PowerUserAccess", "IAMFullAccess"]
  cluster_name               = "gpu-prod"
  ecr_repository_arns        = ["arn:aws:ecr:eu-west-1:111122223333:repository/triton"]
}

run "exact_subjects_per_role" {
  command = plan

  assert {
    condition     = local.roles["plan"] == ["repo:acme/inference:pull_request"]
    error_message = "The plan role must trust pull requests of the one repository only."
  }

  assert {
    condition     = local.roles["apply"] == ["repo:acme/inference:environment:production"] && local.roles["deploy"] == ["repo:acme/inference:environment:production"]
    error_message = "By default the apply and deploy roles must trust the production environment only."
  }

  assert {
    condition     = alltrue([for subjects in values(local.roles) : alltrue([for s in subjects : !strcontains(s, "*")])])
    error_message = "No subject may contain a wildcard."
  }

  assert {
    condition     = aws_iam_role.this["apply"].name == "gpuship-apply"
    error_message = "Role names must be <prefix>-<role>."
  }
}

run "branch_trust_without_environment" {
  command = plan

  variables {
    apply_environment = null
  }

  assert {
    condition     = local.roles["apply"] == ["repo:acme/inference:ref:refs/heads/main"]
    error_message = "Without an environment the apply role must trust pushes to the protected branch only."
  }
}

run "deploy_role_that_builds_images" {
  command = plan

  variables {
    deploy_role_builds_images   = true
    plan_trust_protected_branch = true
  }

  assert {
    condition     = length(aws_iam_role_policy.image_push) == 2 && contains(local.roles["deploy"], "repo:acme/inference:ref:refs/heads/main")
    error_message = "A deploy role that builds images needs the push policy and the branch subject."
  }

  assert {
    condition     = local.roles["plan"] == ["repo:acme/inference:pull_request", "repo:acme/inference:ref:refs/heads/main"]
    error_message = "plan_trust_protected_branch must add exactly the protected branch."
  }
}

run "deploy_is_namespace_scoped" {
  command = plan

  assert {
    condition     = aws_eks_access_policy_association.deploy[0].access_scope[0].type == "namespace" && tolist(aws_eks_access_policy_association.deploy[0].access_scope[0].namespaces) == ["inference"]
    error_message = "The deploy role's access must be scoped to its namespaces."
  }

  assert {
    condition     = local.state_locks_arn == "arn:aws:s3:::acme-tfstate/*.tflock"
    error_message = "The plan role may write only lock files."
  }
}

run "rejects_wildcard_repository" {
  command = plan

  variables {
    repository = "acme/*"
  }

  expect_failures = [var.repository]
}

run "rejects_admin_for_plan" {
  command = plan

  variables {
    plan_managed_policy_names = ["AdministratorAccess"]
  }

  expect_failures = [var.plan_managed_policy_names]
}

run "rejects_cluster_admin_for_deploy" {
  command = plan

  variables {
    deploy_access_policy = "AmazonEKSClusterAdminPolicy"
  }

  expect_failures = [var.deploy_access_policy]
}
