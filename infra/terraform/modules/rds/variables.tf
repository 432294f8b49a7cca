variable "name" {
  description = "Identifier of the instance, e.g. \"platform-prod\"."
  type        = string
}

variable "engine_version" {
  description = "PostgreSQL major version."
  type        = string
  default     = "16"
}

variable "instance_class" {
  description = "Instance class; db.t4g.micro holds the baseline (users, orders: a few hundred writes a second)."
  type        = string
  default     = "db.t4g.micro"
}

variable "allocated_storage_gb" {
  description = "Initial gp3 storage."
  type        = number
  default     = 20
}

variable "max_allocated_storage_gb" {
  description = "Ceiling of storage autoscaling."
  type        = number
  default     = 100
}

variable "multi_az" {
  description = "Synchronous standby in a second zone (automatic failover in 1 to 2 minutes)."
  type        = bool
  default     = true
}

variable "backup_retention_days" {
  description = "Days of automated backups; point-in-time restore (transaction logs every 5 minutes: RPO <= 5 min) covers this window."
  type        = number
  default     = 14

  validation {
    condition     = var.backup_retention_days >= 1 && var.backup_retention_days <= 35
    error_message = "RDS keeps 1 to 35 days of automated backups; 0 would turn point-in-time restore off."
  }
}

variable "cross_region_backups" {
  description = "Replicate automated backups and transaction logs to the DR region (restore there if the primary region is lost)."
  type        = bool
  default     = false
}

variable "dr_kms_key_arn" {
  description = "KMS key in the DR region encrypting the replicated backups (required when cross_region_backups is on)."
  type        = string
  default     = null

  validation {
    condition     = !var.cross_region_backups || var.dr_kms_key_arn != null
    error_message = "cross_region_backups needs dr_kms_key_arn: the backups are encrypted."
  }
}

variable "deletion_protection" {
  description = "Refuse deletion of the instance (on in prod; dev may be torn down)."
  type        = bool
  default     = true
}

variable "vpc_id" {
  description = "VPC of the database."
  type        = string
}

variable "subnet_ids" {
  description = "Private subnets (two zones at least) of the database."
  type        = list(string)
}

variable "client_security_group_ids" {
  description = "Security groups allowed to connect on 5432 (the cluster's nodes); nothing else can."
  type        = list(string)
}

variable "kms_key_arn" {
  description = "KMS key encrypting storage, snapshots, Performance Insights and the master password secret."
  type        = string
}

variable "tags" {
  description = "Tags added to every resource."
  type        = map(string)
  default     = {}
}
