# The EBS CSI driver: without it a PersistentVolumeClaim stays Pending forever, since EKS ships no
# in-tree EBS provisioner for new volume types and no default StorageClass.
locals {
  ebs_csi_service_account = "ebs-csi-controller-sa"
  ebs_csi_storage_class   = "ebs-csi-default-sc"

  ebs_csi_addon = var.enable_ebs_csi_driver ? {
    aws-ebs-csi-driver = {
      addon_version = var.addon_versions.aws_ebs_csi_driver
      most_recent   = true
      # The add-on creates a gp3, encrypted, WaitForFirstConsumer default class.
      configuration_values = jsonencode({ defaultStorageClass = { enabled = true } })
      pod_identity_association = [{
        role_arn        = aws_iam_role.ebs_csi[0].arn
        service_account = local.ebs_csi_service_account
      }]
    }
  } : {}
}

data "aws_iam_policy_document" "pod_identity_assume" {
  statement {
    actions = ["sts:AssumeRole", "sts:TagSession"]

    principals {
      type        = "Service"
      identifiers = ["pods.eks.amazonaws.com"]
    }
  }
}

resource "aws_iam_role" "ebs_csi" {
  count = var.enable_ebs_csi_driver ? 1 : 0

  name_prefix        = substr("${var.cluster_name}-ebs-csi-", 0, 38)
  description        = "EBS CSI driver of ${var.cluster_name} (Pod Identity)"
  assume_role_policy = data.aws_iam_policy_document.pod_identity_assume.json
  tags               = var.tags
}

resource "aws_iam_role_policy_attachment" "ebs_csi" {
  count = var.enable_ebs_csi_driver ? 1 : 0

  role       = aws_iam_role.ebs_csi[0].name
  policy_arn = "arn:${local.partition}:iam::aws:policy/service-role/AmazonEBSCSIDriverPolicy"
}
