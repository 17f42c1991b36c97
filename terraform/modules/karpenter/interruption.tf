# Karpenter drains a node when AWS announces it will go away (spot reclaim, rebalance risk,
# scheduled maintenance, stop/terminate). Without the queue a spot GPU node vanishes mid-request.
locals {
  queue_name = substr("${var.cluster_name}-karpenter", 0, 80)

  interruption_events = {
    spot_interruption = {
      description = "EC2 Spot two-minute interruption warnings"
      source      = ["aws.ec2"]
      detail_type = ["EC2 Spot Instance Interruption Warning"]
    }
    rebalance_recommendation = {
      description = "EC2 instance rebalance recommendations (elevated spot interruption risk)"
      source      = ["aws.ec2"]
      detail_type = ["EC2 Instance Rebalance Recommendation"]
    }
    instance_state_change = {
      description = "EC2 instance state changes (stopping, stopped, shutting-down, terminated)"
      source      = ["aws.ec2"]
      detail_type = ["EC2 Instance State-change Notification"]
    }
    scheduled_change = {
      description = "AWS Health scheduled changes (instance retirement, maintenance)"
      source      = ["aws.health"]
      detail_type = ["AWS Health Event"]
    }
  }
}

resource "aws_sqs_queue" "interruption" {
  name                      = local.queue_name
  message_retention_seconds = var.interruption_queue_retention_seconds
  sqs_managed_sse_enabled   = true
  tags                      = var.tags
}

data "aws_iam_policy_document" "interruption_queue" {
  statement {
    sid       = "EventBridgeWrite"
    actions   = ["sqs:SendMessage"]
    resources = [aws_sqs_queue.interruption.arn]

    principals {
      type        = "Service"
      identifiers = ["events.amazonaws.com", "sqs.amazonaws.com"]
    }
  }

  statement {
    sid       = "DenyHTTP"
    effect    = "Deny"
    actions   = ["sqs:*"]
    resources = [aws_sqs_queue.interruption.arn]

    principals {
      type        = "*"
      identifiers = ["*"]
    }

    condition {
      test     = "Bool"
      variable = "aws:SecureTransport"
      values   = ["false"]
    }
  }
}

resource "aws_sqs_queue_policy" "interruption" {
  queue_url = aws_sqs_queue.interruption.url
  policy    = data.aws_iam_policy_document.interruption_queue.json
}

resource "aws_cloudwatch_event_rule" "interruption" {
  for_each = local.interruption_events

  name_prefix = substr("${var.cluster_name}-${replace(each.key, "_", "-")}-", 0, 38)
  description = "Karpenter (${var.cluster_name}): ${each.value.description}"
  event_pattern = jsonencode({
    source        = each.value.source
    "detail-type" = each.value.detail_type
  })
  tags = var.tags
}

resource "aws_cloudwatch_event_target" "interruption" {
  for_each = local.interruption_events

  rule      = aws_cloudwatch_event_rule.interruption[each.key].name
  target_id = "KarpenterInterruptionQueue"
  arn       = aws_sqs_queue.interruption.arn
}
