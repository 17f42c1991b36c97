mock_provider "aws" {
  mock_data "aws_iam_policy_document" {
    defaults = {
      json = "{\"Version\":\"2012-10-17\",\"Statement\":[]}"
    }
  }
}

variables {
  repositories = ["triton", "ml/tokenizer"]
}

run "immutable_scanned_repositories" {
  command = plan

  assert {
    condition     = alltrue([for r in aws_ecr_repository.this : r.image_tag_mutability == "IMMUTABLE"])
    error_message = "Tags must be immutable by default."
  }

  assert {
    condition     = alltrue([for r in aws_ecr_repository.this : r.image_scanning_configuration[0].scan_on_push])
    error_message = "Images must be scanned on push by default."
  }

  assert {
    condition     = length(aws_ecr_lifecycle_policy.this) == 2
    error_message = "Every repository needs a lifecycle policy."
  }

  assert {
    condition     = jsondecode(local.lifecycle_policy).rules[0].selection.tagStatus == "untagged" && jsondecode(local.lifecycle_policy).rules[1].selection.countNumber == 30
    error_message = "Lifecycle must expire untagged images and keep the last 30."
  }

  assert {
    condition     = length(aws_ecr_repository_policy.this) == 0
    error_message = "No repository policy without principals."
  }
}

run "node_role_can_pull" {
  command = plan

  variables {
    pull_principal_arns = ["arn:aws:iam::111122223333:role/gpu-prod-node"]
  }

  assert {
    condition     = length(aws_ecr_repository_policy.this) == 2
    error_message = "A pull principal must put a policy on each repository."
  }
}

run "rejects_uppercase_name" {
  command = plan

  variables {
    repositories = ["Triton"]
  }

  expect_failures = [var.repositories]
}

run "rejects_non_role_principal" {
  command = plan

  variables {
    pull_principal_arns = ["*"]
  }

  expect_failures = [var.pull_principal_arns]
}
