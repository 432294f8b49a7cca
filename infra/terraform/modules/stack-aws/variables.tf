variable "environment" {
  description = "Environment name: dev, staging or prod."
  type        = string
}

variable "region" {
  description = "Primary AWS region."
  type        = string
}

variable "dr_region" {
  description = "Disaster-recovery region (replicated backups, lake replica)."
  type        = string
}

variable "availability_zones" {
  description = "Zones of the primary region the VPC spans."
  type        = list(string)
}

variable "vpc_cidr" {
  description = "IPv4 range of the VPC."
  type        = string
}

variable "nat_gateway_per_zone" {
  description = "One NAT gateway per zone instead of one shared."
  type        = bool
}

variable "eks_public_access_cidrs" {
  description = "CIDRs allowed to reach the EKS API from the internet (empty: private endpoint only)."
  type        = list(string)
  default     = []
}

variable "eks_node_instance_types" {
  description = "Instance types of the on-demand node group."
  type        = list(string)
}

variable "eks_node_min_size" {
  description = "Fewest on-demand nodes."
  type        = number
}

variable "eks_node_max_size" {
  description = "Most on-demand nodes."
  type        = number
}

variable "eks_spot_max_size" {
  description = "Most spot nodes for scale-out."
  type        = number
}

variable "rds_instance_class" {
  description = "PostgreSQL instance class."
  type        = string
}

variable "rds_multi_az" {
  description = "PostgreSQL standby in a second zone."
  type        = bool
}

variable "rds_backup_retention_days" {
  description = "Days of PostgreSQL automated backups (point-in-time restore window)."
  type        = number
}

variable "rds_cross_region_backups" {
  description = "Replicate PostgreSQL backups to the DR region."
  type        = bool
}

variable "data_deletion_protection" {
  description = "Deletion protection of the data stores."
  type        = bool
}

variable "msk_broker_instance_type" {
  description = "Kafka broker size."
  type        = string
}

variable "msk_broker_volume_gb" {
  description = "Kafka storage per broker."
  type        = number
}

variable "redis_node_type" {
  description = "ElastiCache node size."
  type        = string
}

variable "redis_replicas" {
  description = "ElastiCache replicas beside the primary."
  type        = number
}

variable "lake_replication" {
  description = "Replicate the lake bucket to the DR region."
  type        = bool
}

variable "monthly_budget_usd" {
  description = "Budget of the environment's AWS part."
  type        = number
}

variable "alert_emails" {
  description = "On-call addresses of the alert topic."
  type        = list(string)
  default     = []
}
