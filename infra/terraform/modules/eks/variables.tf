variable "name" {
  description = "Name of the cluster, e.g. \"platform-prod\"."
  type        = string
}

variable "kubernetes_version" {
  description = "Kubernetes minor version of the control plane and nodes (the rendered charts are validated against it)."
  type        = string
  default     = "1.34"
}

variable "vpc_id" {
  description = "VPC of the cluster."
  type        = string
}

variable "private_subnet_ids" {
  description = "Private subnets (one per zone) for the control plane's network interfaces and the nodes."
  type        = list(string)
}

variable "public_access_cidrs" {
  description = "CIDRs allowed to reach the API server from the internet; empty keeps the endpoint private (reach it through the VPN or a bastion)."
  type        = list(string)
  default     = []
}

variable "kms_key_arn" {
  description = "KMS key encrypting Kubernetes secrets, node volumes and the control-plane log group."
  type        = string
}

variable "node_instance_types" {
  description = "Instance types of the on-demand node group that holds the baseline (the services' minimum replicas)."
  type        = list(string)
  default     = ["t3.medium"]
}

variable "node_min_size" {
  description = "Fewest on-demand nodes (the baseline: every service's minimum replicas fit on them)."
  type        = number
  default     = 2
}

variable "node_max_size" {
  description = "Most on-demand nodes the cluster autoscaler may add."
  type        = number
  default     = 4
}

variable "spot_instance_types" {
  description = "Instance types of the spot node group that absorbs scale-out of stateless pods (several types: fewer interruptions)."
  type        = list(string)
  default     = ["t3.large", "t3a.large", "m5.large"]
}

variable "spot_max_size" {
  description = "Most spot nodes; they start at zero and follow the pods' horizontal autoscaling (2 to 50 replicas per service)."
  type        = number
  default     = 10
}

variable "node_disk_size_gb" {
  description = "Root volume of each node (images and ephemeral storage)."
  type        = number
  default     = 30
}

variable "log_retention_days" {
  description = "Days control-plane logs are kept."
  type        = number
  default     = 365
}

variable "tags" {
  description = "Tags added to every resource."
  type        = map(string)
  default     = {}
}
