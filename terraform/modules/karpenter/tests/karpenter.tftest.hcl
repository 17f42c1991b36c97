mock_provider "aws" {
  mock_data "aws_iam_policy_document" {
    defaults = {
      json = "{\"Version\":\"2012-10-17\",\"Statement\":[]}"
    }
  }

  mock_data "aws_partition" {
    defaults = {
      partition = "aws"
    }
  }

  mock_data "aws_region" {
    defaults = {
      name = "eu-west-1"
    }
  }

  mock_data "aws_caller_identity" {
    defaults = {
      account_id = "111122223333"
    }
  }
}

mock_provider "helm" {}

variables {
  cluster_name = "gpu-prod"
}

run "interruption_rules_feed_the_queue" {
  command = plan

  assert {
    condition     = toset(keys(aws_cloudwatch_event_rule.interruption)) == toset(["spot_interruption", "rebalance_recommendation", "instance_state_change", "scheduled_change"])
    error_message = "Spot interruption, rebalance, state-change and scheduled-change rules must all exist."
  }

  assert {
    condition     = jsondecode(aws_cloudwatch_event_rule.interruption["spot_interruption"].event_pattern)["detail-type"] == ["EC2 Spot Instance Interruption Warning"]
    error_message = "The spot rule must match the interruption warning."
  }

  assert {
    condition     = length(aws_cloudwatch_event_target.interruption) == 4
    error_message = "Every rule needs a target on the queue."
  }

  assert {
    condition     = aws_sqs_queue.interruption.name == "gpu-prod-karpenter"
    error_message = "The queue is named after the cluster."
  }
}

run "gpu_pool_is_tainted_limited_and_consolidated" {
  command = plan

  assert {
    condition     = local.gpu_node_pool.spec.template.spec.taints[0].key == "nvidia.com/gpu" && local.gpu_node_pool.spec.template.spec.taints[0].effect == "NoSchedule"
    error_message = "The GPU NodePool must taint its nodes nvidia.com/gpu:NoSchedule."
  }

  assert {
    condition     = local.gpu_node_pool.spec.limits["nvidia.com/gpu"] == "8"
    error_message = "The GPU NodePool must cap total GPUs."
  }

  assert {
    condition     = local.gpu_node_pool.spec.disruption.consolidationPolicy == "WhenEmptyOrUnderutilized"
    error_message = "The GPU NodePool must consolidate."
  }

  assert {
    condition     = contains(local.gpu_node_pool.spec.template.spec.requirements[3].values, "spot") && contains(local.gpu_node_pool.spec.template.spec.requirements[3].values, "on-demand")
    error_message = "The GPU NodePool must allow spot and on-demand by default."
  }

  assert {
    condition     = length(aws_eks_pod_identity_association.controller) == 1
    error_message = "Pod Identity is the default binding."
  }
}

run "on_demand_only" {
  command = plan

  variables {
    gpu_capacity_types = ["on-demand"]
    gpu_limit          = 2
  }

  assert {
    condition     = local.gpu_node_pool.spec.template.spec.requirements[3].values == ["on-demand"] && local.gpu_node_pool.spec.limits["nvidia.com/gpu"] == "2"
    error_message = "Capacity types and the GPU limit must follow the variables."
  }
}

run "irsa_binding" {
  command = plan

  variables {
    use_pod_identity  = false
    oidc_provider_arn = "arn:aws:iam::111122223333:oidc-provider/oidc.eks.eu-west-1.amazonaws.com/id/ABC"
  }

  assert {
    condition     = length(aws_eks_pod_identity_association.controller) == 0 && local.oidc_issuer == "oidc.eks.eu-west-1.amazonaws.com/id/ABC"
    error_message = "IRSA must replace the Pod Identity association."
  }
}

run "rejects_uppercase_capacity_type" {
  command = plan

  variables {
    gpu_capacity_types = ["SPOT"]
  }

  expect_failures = [var.gpu_capacity_types]
}

run "rejects_cpu_family_in_gpu_pool" {
  command = plan

  variables {
    gpu_instance_families = ["m6i"]
  }

  expect_failures = [var.gpu_instance_families]
}

run "irsa_needs_oidc_provider" {
  command = plan

  variables {
    use_pod_identity = false
  }

  expect_failures = [var.oidc_provider_arn]
}
