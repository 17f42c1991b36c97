output "cluster_name" {
  description = "Name of the EKS cluster."
  value       = module.eks.cluster_name
}

output "cluster_arn" {
  description = "ARN of the EKS cluster."
  value       = module.eks.cluster_arn
}

output "cluster_version" {
  description = "Kubernetes version of the control plane."
  value       = module.eks.cluster_version
}

output "cluster_endpoint" {
  description = "HTTPS endpoint of the Kubernetes API server."
  value       = module.eks.cluster_endpoint
}

output "cluster_certificate_authority_data" {
  description = "Base64-encoded CA certificate of the API server."
  value       = module.eks.cluster_certificate_authority_data
}

output "cluster_iam_role_arn" {
  description = "ARN of the IAM role the control plane uses."
  value       = module.eks.cluster_iam_role_arn
}

output "node_iam_role_arn" {
  description = "ARN of the IAM role of the managed node groups (grant it ECR pull access)."
  value       = aws_iam_role.node.arn
}

output "node_iam_role_name" {
  description = "Name of the IAM role of the managed node groups."
  value       = aws_iam_role.node.name
}

output "oidc_provider_arn" {
  description = "ARN of the cluster's IAM OIDC provider, for IRSA trust policies."
  value       = module.eks.oidc_provider_arn
}

output "oidc_provider" {
  description = "Issuer of the cluster's OIDC provider without https:// (the condition key prefix in IRSA trust policies)."
  value       = module.eks.oidc_provider
}

output "cluster_oidc_issuer_url" {
  description = "Issuer URL of the cluster's OIDC provider."
  value       = module.eks.cluster_oidc_issuer_url
}

output "cluster_security_group_id" {
  description = "ID of the cluster security group."
  value       = module.eks.cluster_security_group_id
}

output "node_security_group_id" {
  description = "ID of the shared node security group (tagged karpenter.sh/discovery)."
  value       = module.eks.node_security_group_id
}

output "gpu_node_labels" {
  description = "Labels every GPU node carries; use them in nodeSelectors and in Karpenter's GPU NodePool."
  value       = local.gpu_labels
}

output "gpu_node_taint" {
  description = "The taint every GPU node carries (pods need a matching toleration)."
  value       = { key = local.gpu_taint.key, value = local.gpu_taint.value, effect = "NoSchedule" }
}

output "gpu_node_group_autoscaling_group_names" {
  description = "Auto Scaling group names of the managed GPU node group (empty when it is not created)."
  value       = try(module.eks.eks_managed_node_groups["gpu"].node_group_autoscaling_group_names, [])
}

output "nvidia_device_plugin_installed" {
  description = "Whether this module installed the NVIDIA device plugin (false for Bottlerocket, which ships its own)."
  value       = length(helm_release.nvidia_device_plugin) > 0
}

output "default_storage_class" {
  description = "Default StorageClass created by the EBS CSI add-on (null when the driver is not installed)."
  value       = var.enable_ebs_csi_driver ? local.ebs_csi_storage_class : null
}

output "ebs_csi_driver_role_arn" {
  description = "IAM role of the EBS CSI driver (null when not installed)."
  value       = try(aws_iam_role.ebs_csi[0].arn, null)
}
