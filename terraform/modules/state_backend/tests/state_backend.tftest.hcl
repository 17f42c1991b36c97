mock_provider "aws" {
  mock_data "aws_iam_policy_document" {
    defaults = {
      json = "{\"Version\":\"2012-10-17\",\"Statement\":[]}"
    }
  }

  mock_data "aws_region" {
    defaults = {
      name = "eu-west-1"
    }
  }
}

variables {
  bucket_name = "acme-gpuship-tfstate"
}

run "bucket_is_versioned_encrypted_and_private" {
  command = plan

  assert {
    condition     = aws_s3_bucket_versioning.state.versioning_configuration[0].status == "Enabled"
    error_message = "State bucket versioning must be enabled."
  }

  assert {
    condition     = one(aws_s3_bucket_server_side_encryption_configuration.state.rule).apply_server_side_encryption_by_default[0].sse_algorithm == "aws:kms"
    error_message = "State must be encrypted with KMS."
  }

  assert {
    condition = alltrue([
      aws_s3_bucket_public_access_block.state.block_public_acls,
      aws_s3_bucket_public_access_block.state.block_public_policy,
      aws_s3_bucket_public_access_block.state.ignore_public_acls,
      aws_s3_bucket_public_access_block.state.restrict_public_buckets,
    ])
    error_message = "All four public access block settings must be on."
  }

  assert {
    condition     = aws_s3_bucket.state.force_destroy == false
    error_message = "force_destroy must default to false."
  }
}

run "tls_only_policy" {
  # The policy document depends on the bucket ARN, so it is read at apply (mocked here).
  command = apply

  assert {
    condition     = contains([for s in data.aws_iam_policy_document.state.statement : s.sid], "DenyInsecureTransport")
    error_message = "Bucket policy must deny requests without TLS."
  }
}

run "old_versions_expire" {
  command = plan

  variables {
    noncurrent_version_expiration_days = 30
  }

  assert {
    condition     = one(one(aws_s3_bucket_lifecycle_configuration.state.rule).noncurrent_version_expiration).noncurrent_days == 30
    error_message = "Noncurrent versions must expire after the configured days."
  }
}

run "rejects_invalid_bucket_name" {
  command = plan

  variables {
    bucket_name = "Acme_State"
  }

  expect_failures = [var.bucket_name]
}

run "rejects_too_short_retention" {
  command = plan

  variables {
    noncurrent_version_expiration_days = 1
  }

  expect_failures = [var.noncurrent_version_expiration_days]
}
