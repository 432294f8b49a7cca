variable "name" {
  description = "Name of the replication group, e.g. \"platform-prod\"."
  type        = string
}

variable "engine_version" {
  description = "Redis OSS version."
  type        = string
  default     = "7.1"
}

variable "node_type" {
  description = "Node size; cache.t4g.micro (0.5 GiB) holds the online features and sessions of the baseline."
  type        = string
  default     = "cache.t4g.micro"
}

variable "replicas" {
  description = "Read replicas beside the primary; at least one, in another zone, for automatic failover."
  type        = number
  default     = 1

  validation {
    condition     = var.replicas >= 1 && var.replicas <= 5
    error_message = "Use 1 to 5 replicas: automatic failover needs one."
  }
}

variable "snapshot_retention_days" {
  description = "Days of daily snapshots (the features can also be recomputed from the lake)."
  type        = number
  default     = 7
}

variable "vpc_id" {
  description = "VPC of the cache."
  type        = string
}

variable "subnet_ids" {
  description = "Private subnets, one per zone."
  type        = list(string)
}

variable "client_security_group_ids" {
  description = "Security groups allowed to connect on 6379 (TLS)."
  type        = list(string)
}

variable "kms_key_arn" {
  description = "KMS key encrypting data at rest and snapshots."
  type        = string
}

variable "tags" {
  description = "Tags added to every resource."
  type        = map(string)
  default     = {}
}
