variable "name" {
  description = "Prefix of every resource name, e.g. \"platform-prod\"."
  type        = string
}

variable "alert_emails" {
  description = "Addresses subscribed to the alert topic (on-call list; PagerDuty's email integration works too)."
  type        = list(string)
  default     = []
}

variable "monthly_budget_usd" {
  description = "Monthly cost budget of the AWS account part of the environment; alerts at 80% forecast and 100% actual."
  type        = number
}

variable "kms_key_arn" {
  description = "KMS key encrypting the alert topic."
  type        = string
}

variable "rds_instance_id" {
  description = "Identifier of the PostgreSQL instance to watch."
  type        = string
}

variable "msk_cluster_name" {
  description = "Name of the Kafka cluster to watch."
  type        = string
}

variable "msk_broker_count" {
  description = "Brokers of the Kafka cluster (one disk alarm each)."
  type        = number
}

variable "redis_replication_group_id" {
  description = "Replication group of the Redis cache to watch."
  type        = string
}

variable "tags" {
  description = "Tags added to every resource."
  type        = map(string)
  default     = {}
}
