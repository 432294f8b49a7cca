variable "environment" {
  description = "Environment name: dev, staging or prod."
  type        = string
}

variable "project_id" {
  description = "GCP project of the environment."
  type        = string
}

variable "region" {
  description = "GCP region."
  type        = string
}

variable "notification_image" {
  description = "Image of the notification service (the deploy workflow passes the digest it built)."
  type        = string
}

variable "notification_min_instances" {
  description = "Warm instances of the notification service."
  type        = number
}

variable "notification_max_instances" {
  description = "Most instances of the notification service."
  type        = number
}

variable "notification_invokers" {
  description = "Principals allowed to call the notification service (the gateway's workload identity)."
  type        = list(string)
  default     = []
}

variable "deletion_protection" {
  description = "Refuse destroying the service."
  type        = bool
}
