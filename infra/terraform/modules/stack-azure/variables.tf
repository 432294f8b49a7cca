variable "environment" {
  description = "Environment name: dev, staging or prod."
  type        = string
}

variable "location" {
  description = "Azure region."
  type        = string
}

variable "vnet_address_space" {
  description = "IPv4 range of the VNet."
  type        = string
}

variable "aks_sku_tier" {
  description = "AKS control-plane tier (Free or Standard)."
  type        = string
}

variable "aks_node_vm_size" {
  description = "VM size of the AKS nodes."
  type        = string
}

variable "aks_node_min_count" {
  description = "Fewest AKS nodes."
  type        = number
}

variable "aks_node_max_count" {
  description = "Most AKS nodes."
  type        = number
}

variable "aks_admin_group_object_ids" {
  description = "Entra ID groups administering the cluster."
  type        = list(string)
  default     = []
}

variable "redis_sku_name" {
  description = "Azure Cache for Redis SKU (Basic or Standard)."
  type        = string
}

variable "redis_capacity" {
  description = "Azure Cache for Redis size in family C."
  type        = number
}

variable "lake_replication_type" {
  description = "Replication of the lake replica's storage account (LRS, ZRS, GZRS)."
  type        = string
}
