# Cloud-side alarms and the cost budget. Service-level signals (P95 latency, error ratio, HPA saturation) come from the
# in-cluster Prometheus with the rules in infra/prometheus and the dashboards in infra/grafana; this module watches
# what Prometheus cannot see: the managed data stores and the bill.
data "aws_caller_identity" "current" {}

data "aws_iam_policy_document" "alerts" {
  statement {
    sid       = "CloudWatchAndBudgetsPublish"
    actions   = ["sns:Publish"]
    resources = [aws_sns_topic.alerts.arn]
    principals {
      type        = "Service"
      identifiers = ["cloudwatch.amazonaws.com", "budgets.amazonaws.com"]
    }
    condition {
      test     = "StringEquals"
      variable = "aws:SourceAccount"
      values   = [data.aws_caller_identity.current.account_id]
    }
  }
}

resource "aws_sns_topic" "alerts" {
  name              = "${var.name}-alerts"
  kms_master_key_id = var.kms_key_arn
  tags              = var.tags
}

resource "aws_sns_topic_policy" "alerts" {
  arn    = aws_sns_topic.alerts.arn
  policy = data.aws_iam_policy_document.alerts.json
}

resource "aws_sns_topic_subscription" "email" {
  for_each  = toset(var.alert_emails)
  topic_arn = aws_sns_topic.alerts.arn
  protocol  = "email"
  endpoint  = each.key
}

resource "aws_budgets_budget" "monthly" {
  name         = "${var.name}-monthly"
  budget_type  = "COST"
  limit_amount = tostring(var.monthly_budget_usd)
  limit_unit   = "USD"
  time_unit    = "MONTHLY"

  notification {
    comparison_operator       = "GREATER_THAN"
    threshold                 = 80
    threshold_type            = "PERCENTAGE"
    notification_type         = "FORECASTED"
    subscriber_sns_topic_arns = [aws_sns_topic.alerts.arn]
  }

  notification {
    comparison_operator       = "GREATER_THAN"
    threshold                 = 100
    threshold_type            = "PERCENTAGE"
    notification_type         = "ACTUAL"
    subscriber_sns_topic_arns = [aws_sns_topic.alerts.arn]
  }
}

locals {
  alarms = merge(
    {
      rds-cpu = {
        namespace   = "AWS/RDS", metric = "CPUUtilization", statistic = "Average", comparison = "GreaterThanThreshold"
        threshold   = 80, dimensions = { DBInstanceIdentifier = var.rds_instance_id }
        description = "PostgreSQL CPU above 80% for 15 minutes: scale the instance class up"
      }
      rds-free-storage = {
        namespace   = "AWS/RDS", metric = "FreeStorageSpace", statistic = "Minimum", comparison = "LessThanThreshold"
        threshold   = 2 * 1024 * 1024 * 1024, dimensions = { DBInstanceIdentifier = var.rds_instance_id }
        description = "PostgreSQL has less than 2 GiB free (storage autoscaling has reached its ceiling?)"
      }
      redis-memory = {
        namespace   = "AWS/ElastiCache", metric = "DatabaseMemoryUsagePercentage", statistic = "Maximum", comparison = "GreaterThanThreshold"
        threshold   = 80, dimensions = { ReplicationGroupId = var.redis_replication_group_id }
        description = "Redis memory above 80%: evictions will lower the feature hit rate; scale the node type up"
      }
    },
    {
      for broker in range(1, var.msk_broker_count + 1) : "msk-disk-${broker}" => {
        namespace   = "AWS/Kafka", metric = "KafkaDataLogsDiskUsed", statistic = "Maximum", comparison = "GreaterThanThreshold"
        threshold   = 80, dimensions = { "Cluster Name" = var.msk_cluster_name, "Broker ID" = tostring(broker) }
        description = "Kafka broker ${broker} disk above 80%: raise the volume or shorten retention"
      }
    },
  )
}

resource "aws_cloudwatch_metric_alarm" "this" {
  for_each            = local.alarms
  alarm_name          = "${var.name}-${each.key}"
  alarm_description   = each.value.description
  namespace           = each.value.namespace
  metric_name         = each.value.metric
  statistic           = each.value.statistic
  comparison_operator = each.value.comparison
  threshold           = each.value.threshold
  dimensions          = each.value.dimensions
  period              = 300
  evaluation_periods  = 3
  treat_missing_data  = "breaching"
  alarm_actions       = [aws_sns_topic.alerts.arn]
  ok_actions          = [aws_sns_topic.alerts.arn]
  tags                = var.tags
}
