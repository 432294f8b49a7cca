output "alert_topic_arn" {
  description = "SNS topic every alarm and budget notification goes to."
  value       = aws_sns_topic.alerts.arn
}
