output "bucket_name" {
  description = "Name of the state bucket (the backend's `bucket`)."
  value       = aws_s3_bucket.state.id
}

output "bucket_arn" {
  description = "ARN of the state bucket, for IAM policies that read or write state."
  value       = aws_s3_bucket.state.arn
}

output "bucket_region" {
  description = "Region of the state bucket (the backend's `region`)."
  value       = try(aws_s3_bucket.state.region, data.aws_region.current.name)
}

output "backend_config" {
  description = "Settings for a `backend \"s3\"` block or `terraform init -backend-config=...`; add a `key` per root module."
  value = {
    bucket       = aws_s3_bucket.state.id
    region       = try(aws_s3_bucket.state.region, data.aws_region.current.name)
    encrypt      = true
    use_lockfile = true
    kms_key_id   = var.kms_key_arn
  }
}
