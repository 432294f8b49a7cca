variable "account_name" {
  description = "Storage account name (3 to 24 lowercase letters and digits, globally unique)."
  type        = string

  validation {
    condition     = can(regex("^[a-z0-9]{3,24}$", var.account_name))
    error_message = "Use 3 to 24 lowercase letters and digits."
  }
}

variable "resource_group_name" {
  description = "Resource group of the account."
  type        = string
}

variable "location" {
  description = "Azure region."
  type        = string
}

variable "replication_type" {
  description = "LRS (dev), ZRS (staging) or GZRS (prod: zone-redundant and copied to the paired region, typical lag under 15 minutes)."
  type        = string
  default     = "GZRS"
}

variable "containers" {
  description = "Private containers of the lake replica (events as Parquet, features, models)."
  type        = list(string)
  default     = ["events", "features", "models"]
}

variable "soft_delete_days" {
  description = "Days a deleted or overwritten blob or container can be restored."
  type        = number
  default     = 14
}

variable "cool_after_days" {
  description = "Days after the last modification before a blob moves to the Cool tier."
  type        = number
  default     = 30
}

variable "private_endpoint_subnet_id" {
  description = "Subnet of the blob private endpoint; the account has no public network access."
  type        = string
}

variable "vnet_id" {
  description = "VNet linked to the private DNS zone of the endpoint."
  type        = string
}

variable "customer_managed_key_id" {
  description = "Versionless Key Vault key ID encrypting the account (customer-managed key)."
  type        = string
}

variable "encryption_identity_id" {
  description = "User-assigned identity allowed to use the key (Key Vault Crypto Service Encryption User)."
  type        = string
}

variable "log_analytics_workspace_id" {
  description = "Workspace receiving the blob service's read, write and delete logs."
  type        = string
}

variable "tags" {
  description = "Tags added to every resource."
  type        = map(string)
  default     = {}
}
