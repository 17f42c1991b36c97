mock_provider "aws" {
  mock_data "aws_iam_policy_document" {
    defaults = {
      json = "{\"Version\":\"2012-10-17\",\"Statement\":[]}"
    }
  }

  mock_data "aws_partition" {
    defaults = {
      partition  = "aws"
      dns_suffix = "amazonaws.com"
    }
  }

  mock_data "aws_caller_identity" {
    defaults = {
      account_id = "111122223333"
      arn        = "arn:aws:iam::111122223333:role/terraform"
    }
  }
}

mock_provider "helm" {}

# The community module reads the OIDC issuer's certificate; the read waits for the cluster, so a
# plain mock is enough.
mock_provider "tls" {}

variables {
  cluster_name = "gpu-prod"
  vpc_id       = "vpc-0123456789abcdef0"
  subnet_ids   = ["subnet-0123456789abcdef0", "subnet-0123456789abcdef1", "subnet-0123456789abcdef2"]
}

run "gpu_group_is_tainted_and_labelled" {
  command = plan

  assert {
    condition     = local.gpu_node_group["gpu"].taints["gpu"].key == "nvidia.com/gpu" && local.gpu_node_group["gpu"].taints["gpu"].effect == "NO_SCHEDULE"
    error_message = "The GPU node group must carry the nvidia.com/gpu NoSchedule taint."
  }

  assert {
    condition     = local.gpu_node_group["gpu"].labels["nvidia.com/gpu.present"] == "true"
    error_message = "GPU nodes must be labelled nvidia.com/gpu.present=true (the device plugin selects on it)."
  }

  assert {
    condition     = local.gpu_node_group["gpu"].ami_type == "AL2023_x86_64_NVIDIA"
    error_message = "The default GPU AMI must be AL2023 NVIDIA."
  }

  assert {
    condition     = length(helm_release.nvidia_device_plugin) == 1
    error_message = "The NVIDIA device plugin must be installed on AL2023."
  }
}

run "spot_gpu_capacity" {
  command = plan

  variables {
    gpu_node_group = { capacity_type = "SPOT" }
  }

  assert {
    condition     = local.gpu_node_group["gpu"].capacity_type == "SPOT"
    error_message = "capacity_type SPOT must reach the node group."
  }
}

run "bottlerocket_skips_device_plugin" {
  command = plan

  variables {
    gpu_node_group = { ami_type = "BOTTLEROCKET_x86_64_NVIDIA" }
  }

  assert {
    condition     = length(helm_release.nvidia_device_plugin) == 0 && local.gpu_data_device == "/dev/xvdb"
    error_message = "Bottlerocket ships its own device plugin and keeps images on /dev/xvdb."
  }
}

run "cluster_autoscaler_scale_from_zero_tags" {
  command = plan

  assert {
    condition     = local.asg_tags["gpu:k8s.io/cluster-autoscaler/node-template/taint/nvidia.com/gpu"].value == "true:NoSchedule"
    error_message = "The GPU ASG must advertise its taint to cluster-autoscaler."
  }

  assert {
    condition     = local.asg_tags["gpu:k8s.io/cluster-autoscaler/node-template/resources/nvidia.com/gpu"].value == "1"
    error_message = "The GPU ASG must advertise its GPU count to cluster-autoscaler."
  }
}

run "no_gpu_group_when_disabled" {
  command = plan

  variables {
    create_gpu_node_group = false
  }

  assert {
    condition     = length(local.gpu_node_group) == 0 && !contains(keys(local.asg_tags_by_group), "gpu")
    error_message = "Disabling the GPU node group must remove it and its ASG tags."
  }
}

run "rejects_non_gpu_instance_type" {
  command = plan

  variables {
    gpu_node_group = { instance_types = ["m6i.large"] }
  }

  expect_failures = [var.gpu_node_group]
}

run "rejects_non_nvidia_ami" {
  command = plan

  variables {
    gpu_node_group = { ami_type = "AL2023_x86_64_STANDARD" }
  }

  expect_failures = [var.gpu_node_group]
}

run "rejects_bad_kubernetes_version" {
  command = plan

  variables {
    kubernetes_version = "1.32.1"
  }

  expect_failures = [var.kubernetes_version]
}

run "ebs_csi_driver_with_default_storage_class" {
  command = plan

  assert {
    condition     = jsondecode(local.ebs_csi_addon["aws-ebs-csi-driver"].configuration_values).defaultStorageClass.enabled
    error_message = "The EBS CSI add-on must create the default StorageClass."
  }

  assert {
    condition     = length(aws_iam_role.ebs_csi) == 1 && output.default_storage_class == "ebs-csi-default-sc"
    error_message = "The EBS CSI driver needs its Pod Identity role."
  }
}

run "no_ebs_csi_driver_when_disabled" {
  command = plan

  variables {
    enable_ebs_csi_driver = false
  }

  assert {
    condition     = length(local.ebs_csi_addon) == 0 && output.default_storage_class == null
    error_message = "Disabling the EBS CSI driver must remove the add-on."
  }
}
