output "repository_urls" {
  description = "Repository URLs by name (<account>.dkr.ecr.<region>.amazonaws.com/<name>)."
  value       = { for k, r in aws_ecr_repository.this : k => r.repository_url }
}

output "repository_arns" {
  description = "Repository ARNs by name, for push policies."
  value       = { for k, r in aws_ecr_repository.this : k => r.arn }
}

output "repository_url" {
  description = "URL of the first repository in var.repositories (the usual single Triton repository)."
  value       = try(aws_ecr_repository.this[var.repositories[0]].repository_url, null)
}

output "registry_id" {
  description = "Account ID of the registry."
  value       = try(values(aws_ecr_repository.this)[0].registry_id, null)
}
