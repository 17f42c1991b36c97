data "aws_partition" "current" {}
data "aws_region" "current" {}
data "aws_caller_identity" "current" {}

locals {
  partition  = data.aws_partition.current.partition
  oidc_host  = "token.actions.githubusercontent.com"
  account_id = data.aws_caller_identity.current.account_id

  oidc_provider_arn = var.create_oidc_provider ? aws_iam_openid_connect_provider.github[0].arn : var.oidc_provider_arn

  # Subjects are compared with StringEquals, never StringLike: "repo:owner/*" or "ref:*" would hand
  # the role to every repository of the owner, or to any branch a contributor can push.
  protected_branch_subject = "repo:${var.repository}:ref:refs/heads/${var.protected_branch}"

  pull_request_subject = "repo:${var.repository}:pull_request"
  apply_subject        = var.apply_environment == null ? local.protected_branch_subject : "repo:${var.repository}:environment:${var.apply_environment}"
  deploy_subject       = var.deploy_environment == null ? local.protected_branch_subject : "repo:${var.repository}:environment:${var.deploy_environment}"

  trust_subjects = {
    plan       = distinct(concat([local.pull_request_subject], var.plan_trust_protected_branch ? [local.protected_branch_subject] : []))
    apply      = [local.apply_subject]
    image-push = [local.protected_branch_subject]
    deploy     = distinct(concat([local.deploy_subject], var.deploy_role_builds_images ? [local.protected_branch_subject] : []))
  }

  role_enabled = {
    plan       = true
    apply      = true
    image-push = var.create_image_push_role
    deploy     = var.create_deploy_role
  }

  roles = { for k, subjects in local.trust_subjects : k => subjects if local.role_enabled[k] }
}

resource "aws_iam_openid_connect_provider" "github" {
  count = var.create_oidc_provider ? 1 : 0

  url             = "https://${local.oidc_host}"
  client_id_list  = [var.audience]
  thumbprint_list = var.oidc_thumbprints
  tags            = var.tags
}

data "aws_iam_policy_document" "trust" {
  for_each = local.roles

  statement {
    sid     = "GitHubActionsOidc"
    effect  = "Allow"
    actions = ["sts:AssumeRoleWithWebIdentity"]

    principals {
      type        = "Federated"
      identifiers = [local.oidc_provider_arn]
    }

    condition {
      test     = "StringEquals"
      variable = "${local.oidc_host}:aud"
      values   = [var.audience]
    }

    condition {
      test     = "StringEquals"
      variable = "${local.oidc_host}:sub"
      values   = each.value
    }
  }
}

resource "aws_iam_role" "this" {
  for_each = local.roles

  name                 = "${var.name_prefix}-${each.key}"
  description          = "GitHub Actions (${var.repository}) ${each.key} role"
  assume_role_policy   = data.aws_iam_policy_document.trust[each.key].json
  max_session_duration = var.max_session_duration
  permissions_boundary = each.key == "apply" ? var.apply_permissions_boundary_arn : null
  tags                 = var.tags
}
