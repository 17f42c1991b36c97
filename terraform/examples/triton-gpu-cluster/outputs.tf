output "cluster_name" {
  description = "EKS cluster name (cluster-name of eks-kubeconfig)."
  value       = module.eks.cluster_name
}

output "region" {
  description = "AWS region (aws-region of aws-credentials)."
  value       = var.region
}

output "cluster_endpoint" {
  description = "Kubernetes API endpoint."
  value       = module.eks.cluster_endpoint
}

output "plan_role_arn" {
  description = "role-to-assume for terraform-plan on pull requests."
  value       = module.github_actions_oidc.plan_role_arn
}

output "apply_role_arn" {
  description = "role-to-assume for terraform-apply on the protected branch or environment."
  value       = module.github_actions_oidc.apply_role_arn
}

output "image_push_role_arn" {
  description = "role-to-assume for ecr-build-push."
  value       = module.github_actions_oidc.image_push_role_arn
}

output "deploy_role_arn" {
  description = "role-to-assume for eks-kubeconfig and triton-rollout."
  value       = module.github_actions_oidc.deploy_role_arn
}

output "repository_url" {
  description = "URL of the Triton image repository (repository of ecr-build-push)."
  value       = module.ecr.repository_url
}

output "repository_urls" {
  description = "URLs of every repository created, by name."
  value       = module.ecr.repository_urls
}

output "inference_namespace" {
  description = "Namespace Triton is deployed to (namespace of triton-rollout)."
  value       = kubernetes_namespace_v1.inference.metadata[0].name
}

output "prometheus_url" {
  description = "In-cluster Prometheus URL for the DCGM health gate."
  value       = module.monitoring.prometheus_url
}

output "karpenter_interruption_queue" {
  description = "Karpenter's interruption queue (null without Karpenter)."
  value       = try(module.karpenter[0].interruption_queue_name, null)
}

output "github_variables" {
  description = "Repository variables the gpuship workflows read (gh variable set NAME --body VALUE)."
  value = {
    GPUSHIP_AWS_REGION      = var.region
    GPUSHIP_CLUSTER_NAME    = module.eks.cluster_name
    GPUSHIP_ECR_REPOSITORY  = var.ecr_repositories[0]
    GPUSHIP_NAMESPACE       = kubernetes_namespace_v1.inference.metadata[0].name
    GPUSHIP_PLAN_ROLE       = module.github_actions_oidc.plan_role_arn
    GPUSHIP_DOCTOR_ROLE     = module.github_actions_oidc.plan_role_arn
    GPUSHIP_DEPLOY_ROLE     = module.github_actions_oidc.deploy_role_arn
    GPUSHIP_TEARDOWN_ROLE   = module.github_actions_oidc.apply_role_arn
    GPUSHIP_IMAGE_PUSH_ROLE = module.github_actions_oidc.image_push_role_arn
  }
}
