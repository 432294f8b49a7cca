variable "name" {
  description = "Name of the cache (globally unique), e.g. \"platform-prod-features\"."
  type        = string
}

variable "resource_group_name" {
  description = "Resource group of the cache."
  type        = string
}

variable "location" {
  description = "Azure region."
  type        = string
}

variable "sku_name" {
  description = "Basic (no replica: dev) or Standard (primary and replica with an SLA: staging, prod)."
  type        = string
  default     = "Standard"
}

variable "capacity" {
  description = "Size within the family C: 0 is 250 MB, 1 is 1 GB (the recommendation service's feature cache)."
  type        = number
  default     = 0
}

variable "private_endpoint_subnet_id" {
  description = "Subnet of the private endpoint; the cache has no public network access."
  type        = string
}

variable "vnet_id" {
  description = "VNet linked to the private DNS zone of the endpoint."
  type        = string
}

variable "tags" {
  description = "Tags added to every resource."
  type        = map(string)
  default     = {}
}
