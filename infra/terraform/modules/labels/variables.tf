variable "environment" {
  description = "Environment name: dev, staging or prod."
  type        = string
}
