locals {
  state_objects_arn = "${var.state_bucket_arn}/${var.state_key_prefix}*"
  state_locks_arn   = "${var.state_bucket_arn}/${var.state_key_prefix}*.tflock"

  cluster_arn = var.cluster_name == null ? null : "arn:${local.partition}:eks:${data.aws_region.current.name}:${local.account_id}:cluster/${var.cluster_name}"

  managed_policy_attachments = merge(
    { for p in var.plan_managed_policy_names : "plan/${p}" => { role = "plan", policy = p } },
    { for p in var.apply_managed_policy_names : "apply/${p}" => { role = "apply", policy = p } },
  )
}

resource "aws_iam_role_policy_attachment" "managed" {
  for_each = local.managed_policy_attachments

  role       = aws_iam_role.this[each.value.role].name
  policy_arn = "arn:${local.partition}:iam::aws:policy/${each.value.policy}"
}

# Plan reads state and may only create and delete the lock file; it can never write state.
data "aws_iam_policy_document" "plan_state" {
  statement {
    sid       = "ListState"
    actions   = ["s3:ListBucket"]
    resources = [var.state_bucket_arn]
  }

  statement {
    sid       = "ReadState"
    actions   = ["s3:GetObject"]
    resources = [local.state_objects_arn]
  }

  statement {
    sid       = "Lock"
    actions   = ["s3:PutObject", "s3:DeleteObject"]
    resources = [local.state_locks_arn]
  }

  dynamic "statement" {
    for_each = var.state_kms_key_arn == null ? [] : [var.state_kms_key_arn]

    content {
      sid       = "StateKey"
      actions   = ["kms:Decrypt", "kms:Encrypt", "kms:GenerateDataKey"]
      resources = [statement.value]
    }
  }
}

data "aws_iam_policy_document" "apply_state" {
  statement {
    sid       = "ListState"
    actions   = ["s3:ListBucket"]
    resources = [var.state_bucket_arn]
  }

  statement {
    sid       = "ReadWriteState"
    actions   = ["s3:GetObject", "s3:PutObject"]
    resources = [local.state_objects_arn]
  }

  statement {
    sid       = "Unlock"
    actions   = ["s3:DeleteObject"]
    resources = [local.state_locks_arn]
  }

  dynamic "statement" {
    for_each = var.state_kms_key_arn == null ? [] : [var.state_kms_key_arn]

    content {
      sid       = "StateKey"
      actions   = ["kms:Decrypt", "kms:Encrypt", "kms:GenerateDataKey"]
      resources = [statement.value]
    }
  }
}

resource "aws_iam_role_policy" "plan_state" {
  name   = "terraform-state-read-and-lock"
  role   = aws_iam_role.this["plan"].id
  policy = data.aws_iam_policy_document.plan_state.json
}

resource "aws_iam_role_policy" "apply_state" {
  name   = "terraform-state-read-write"
  role   = aws_iam_role.this["apply"].id
  policy = data.aws_iam_policy_document.apply_state.json
}

locals {
  image_pushers = toset(concat(var.create_image_push_role ? ["image-push"] : [], var.create_deploy_role && var.deploy_role_builds_images ? ["deploy"] : []))
}

data "aws_iam_policy_document" "image_push" {
  count = length(local.image_pushers) > 0 ? 1 : 0

  statement {
    sid       = "Login"
    actions   = ["ecr:GetAuthorizationToken"]
    resources = ["*"]
  }

  dynamic "statement" {
    for_each = length(var.ecr_repository_arns) > 0 ? [1] : []

    content {
      sid = "PushToRepositories"
      actions = [
        "ecr:BatchCheckLayerAvailability",
        "ecr:BatchGetImage",
        "ecr:CompleteLayerUpload",
        "ecr:DescribeImageScanFindings",
        "ecr:DescribeImages",
        "ecr:DescribeRepositories",
        "ecr:GetDownloadUrlForLayer",
        "ecr:InitiateLayerUpload",
        "ecr:ListImages",
        "ecr:PutImage",
        "ecr:UploadLayerPart",
      ]
      resources = var.ecr_repository_arns
    }
  }
}

resource "aws_iam_role_policy" "image_push" {
  for_each = local.image_pushers

  name   = "ecr-push"
  role   = aws_iam_role.this[each.key].id
  policy = data.aws_iam_policy_document.image_push[0].json
}

# The deploy role only finds the cluster through IAM; what it may change inside is decided by the
# namespace-scoped access policy below, not by IAM.
data "aws_iam_policy_document" "deploy" {
  count = var.create_deploy_role ? 1 : 0

  statement {
    sid       = "DescribeCluster"
    actions   = ["eks:DescribeCluster"]
    resources = [local.cluster_arn]
  }
}

resource "aws_iam_role_policy" "deploy" {
  count = var.create_deploy_role ? 1 : 0

  name   = "eks-describe"
  role   = aws_iam_role.this["deploy"].id
  policy = data.aws_iam_policy_document.deploy[0].json
}

resource "aws_eks_access_entry" "deploy" {
  count = var.create_deploy_role ? 1 : 0

  cluster_name  = var.cluster_name
  principal_arn = aws_iam_role.this["deploy"].arn
  type          = "STANDARD"
  tags          = var.tags
}

resource "aws_eks_access_policy_association" "deploy" {
  count = var.create_deploy_role ? 1 : 0

  cluster_name  = var.cluster_name
  principal_arn = aws_eks_access_entry.deploy[0].principal_arn
  policy_arn    = "arn:${local.partition}:eks::aws:cluster-access-policy/${var.deploy_access_policy}"

  access_scope {
    type       = "namespace"
    namespaces = var.deploy_namespaces
  }
}
