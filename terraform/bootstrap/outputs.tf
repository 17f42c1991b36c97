output "bucket_name" {
  description = "Name of the state bucket."
  value       = module.state_backend.bucket_name
}

output "bucket_arn" {
  description = "ARN of the state bucket (the state_bucket_arn of github_actions_oidc)."
  value       = module.state_backend.bucket_arn
}

output "backend_hcl" {
  description = "Contents for a backend.hcl passed to terraform init -backend-config=backend.hcl in the other roots."
  value       = <<-EOT
    bucket       = "${module.state_backend.bucket_name}"
    region       = "${module.state_backend.bucket_region}"
    encrypt      = true
    use_lockfile = true
  EOT
}
