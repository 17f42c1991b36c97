output "interruption_queue_name" {
  description = "Name of the SQS interruption queue (Karpenter's settings.interruptionQueue)."
  value       = aws_sqs_queue.interruption.name
}

output "interruption_queue_arn" {
  description = "ARN of the SQS interruption queue."
  value       = aws_sqs_queue.interruption.arn
}

output "interruption_rule_names" {
  description = "EventBridge rules feeding the queue, by event kind."
  value       = { for k, r in aws_cloudwatch_event_rule.interruption : k => r.name }
}

output "controller_role_arn" {
  description = "IAM role of the Karpenter controller."
  value       = aws_iam_role.controller.arn
}

output "node_iam_role_arn" {
  description = "IAM role of the nodes Karpenter launches (grant it ECR pull access)."
  value       = aws_iam_role.node.arn
}

output "node_iam_role_name" {
  description = "Name of the Karpenter node role (the EC2NodeClass spec.role)."
  value       = aws_iam_role.node.name
}

output "node_pool_names" {
  description = "NodePools this module creates: the tainted GPU pool and the CPU pool."
  value       = { gpu = local.gpu_node_pool.metadata.name, cpu = local.cpu_node_pool.metadata.name }
}

output "karpenter_version" {
  description = "Deployed Karpenter chart version."
  value       = try(helm_release.karpenter.version, var.karpenter_version)
}
