variable "name" {
  description = "Prefix of every resource name, e.g. \"platform-prod\"."
  type        = string
}

variable "cidr_block" {
  description = "IPv4 range of the VPC; /16 leaves room for four /20 subnets per zone."
  type        = string
  default     = "10.0.0.0/16"
}

variable "availability_zones" {
  description = "Zones to spread subnets over (two for 99.9%: one zone can fail)."
  type        = list(string)

  validation {
    condition     = length(var.availability_zones) >= 2
    error_message = "Use at least two availability zones."
  }
}

variable "nat_gateway_per_zone" {
  description = "One NAT gateway per zone (prod: egress survives a zone failure) or a single shared one (dev, staging: $33/month less)."
  type        = bool
  default     = false
}

variable "flow_log_retention_days" {
  description = "Days VPC flow logs are kept in CloudWatch Logs (a year: incident forensics and audit)."
  type        = number
  default     = 365
}

variable "kms_key_arn" {
  description = "KMS key encrypting the flow log group."
  type        = string
}

variable "tags" {
  description = "Tags added to every resource."
  type        = map(string)
  default     = {}
}
