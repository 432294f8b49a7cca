output "notification_uri" {
  description = "URL of the notification service (IAM-authenticated invocations only)."
  value       = module.notification.uri
}

output "notification_service_account" {
  description = "Identity of the notification service."
  value       = module.notification.service_account_email
}
