output "oidc_provider_arn" {
  description = "ARN of the GitHub OIDC provider the roles trust."
  value       = local.oidc_provider_arn
}

output "plan_role_arn" {
  description = "Role for terraform plan on pull requests (role-to-assume of terraform-plan)."
  value       = try(aws_iam_role.this["plan"].arn, null)
}

output "apply_role_arn" {
  description = "Role for terraform apply on the protected branch or environment."
  value       = try(aws_iam_role.this["apply"].arn, null)
}

output "image_push_role_arn" {
  description = "Role that pushes Triton images to ECR (role-to-assume of ecr-build-push)."
  value       = try(aws_iam_role.this["image-push"].arn, null)
}

output "deploy_role_arn" {
  description = "Role that deploys to the cluster's namespaces (role-to-assume of eks-kubeconfig and triton-rollout)."
  value       = try(aws_iam_role.this["deploy"].arn, null)
}

output "trust_subjects" {
  description = "The exact sub claims each role accepts; compare with the token's sub when AssumeRoleWithWebIdentity is denied."
  value       = local.roles
}
