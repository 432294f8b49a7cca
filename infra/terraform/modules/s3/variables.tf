variable "bucket_name" {
  description = "Globally unique name of the data-lake bucket (events as Parquet, model artifacts, exports)."
  type        = string
}

variable "kms_key_arn" {
  description = "KMS key encrypting the objects."
  type        = string
}

variable "infrequent_access_after_days" {
  description = "Days after which objects move to Standard-IA (features and training sets are read in the first weeks)."
  type        = number
  default     = 30
}

variable "glacier_after_days" {
  description = "Days after which objects move to Glacier Instant Retrieval."
  type        = number
  default     = 90
}

variable "noncurrent_version_days" {
  description = "Days an overwritten or deleted object version is kept (recovery from a bad write or a deletion)."
  type        = number
  default     = 30
}

variable "replication" {
  description = "Replicate every object to a bucket in the DR region, 99.99% of them within 15 minutes (Replication Time Control)."
  type        = bool
  default     = false
}

variable "replica_kms_key_arn" {
  description = "KMS key in the DR region encrypting the replica (required when replication is on)."
  type        = string
  default     = null

  validation {
    condition     = !var.replication || var.replica_kms_key_arn != null
    error_message = "replication needs replica_kms_key_arn: the replica is encrypted with a key of the DR region."
  }
}

variable "force_destroy" {
  description = "Allow destroying a bucket that still holds objects (dev only)."
  type        = bool
  default     = false
}

variable "tags" {
  description = "Tags added to every resource."
  type        = map(string)
  default     = {}
}
