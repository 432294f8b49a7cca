variable "name" {
  description = "Name of the cluster, e.g. \"platform-prod\"."
  type        = string
}

variable "kafka_version" {
  description = "Apache Kafka version (KRaft metadata mode)."
  type        = string
  default     = "3.9.x"
}

variable "broker_instance_type" {
  description = "Broker size; kafka.t3.small carries the baseline event rate (a few thousand events a second)."
  type        = string
  default     = "kafka.t3.small"
}

variable "broker_count" {
  description = "Brokers, a multiple of the subnets (one per zone); two keep a replica of each partition when a zone fails."
  type        = number
  default     = 2
}

variable "broker_volume_gb" {
  description = "EBS storage per broker (7 days of events at the baseline rate fit in 20 GB)."
  type        = number
  default     = 20
}

variable "vpc_id" {
  description = "VPC of the brokers."
  type        = string
}

variable "subnet_ids" {
  description = "Private subnets, one per zone."
  type        = list(string)
}

variable "client_security_group_ids" {
  description = "Security groups allowed to reach the brokers (IAM-authenticated TLS on 9098)."
  type        = list(string)
}

variable "kms_key_arn" {
  description = "KMS key encrypting broker storage and the broker log group."
  type        = string
}

variable "log_retention_days" {
  description = "Days broker logs are kept."
  type        = number
  default     = 365
}

variable "tags" {
  description = "Tags added to every resource."
  type        = map(string)
  default     = {}
}
