variable "notification_image" {
  description = "Image of the notification service: the deploy workflow passes the digest it built (-var notification_image=...)."
  type        = string
  default     = "us-central1-docker.pkg.dev/platform-staging/services/notification-service:0.1.0"
}
