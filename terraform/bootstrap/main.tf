provider "aws" {
  region = var.region

  default_tags {
    tags = var.tags
  }
}

module "state_backend" {
  source = "../modules/state_backend"

  bucket_name = var.bucket_name
  kms_key_arn = var.kms_key_arn
  tags        = var.tags
}
