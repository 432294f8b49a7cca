variable "name" {
  description = "Prefix of every resource name, e.g. \"platform-prod\"."
  type        = string
}

variable "resource_group_name" {
  description = "Resource group holding the network."
  type        = string
}

variable "location" {
  description = "Azure region."
  type        = string
}

variable "address_space" {
  description = "IPv4 range of the VNet (separate from the AWS VPC's, so that the two can be peered over VPN)."
  type        = string
  default     = "10.20.0.0/16"
}

variable "tags" {
  description = "Tags added to every resource."
  type        = map(string)
  default     = {}
}
