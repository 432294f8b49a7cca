variable "name" {
  description = "Name of the cluster, e.g. \"platform-prod\"."
  type        = string
}

variable "resource_group_name" {
  description = "Resource group of the cluster."
  type        = string
}

variable "location" {
  description = "Azure region."
  type        = string
}

variable "kubernetes_version" {
  description = "Kubernetes minor version (patches follow the automatic upgrade channel)."
  type        = string
  default     = "1.34"
}

variable "sku_tier" {
  description = "Control-plane tier: Standard (financially backed 99.95% API SLA) in prod, Free elsewhere."
  type        = string
  default     = "Standard"

  validation {
    condition     = contains(["Free", "Standard", "Premium"], var.sku_tier)
    error_message = "sku_tier is Free, Standard or Premium."
  }
}

variable "node_subnet_id" {
  description = "Subnet of the nodes and pods (Azure CNI)."
  type        = string
}

variable "node_vm_size" {
  description = "VM size of the nodes; Standard_B2s (2 vCPU, 4 GiB) holds the baseline of the recommendation service."
  type        = string
  default     = "Standard_B2s"
}

variable "node_min_count" {
  description = "Fewest nodes (spread over the zones)."
  type        = number
  default     = 2
}

variable "node_max_count" {
  description = "Most nodes the cluster autoscaler may add when the pods scale out (2 to 50 replicas)."
  type        = number
  default     = 10
}

variable "zones" {
  description = "Availability zones of the node pool."
  type        = list(string)
  default     = ["1", "2", "3"]
}

variable "disk_encryption_set_id" {
  description = "Disk encryption set (customer-managed key) of the nodes' OS disks."
  type        = string
}

variable "admin_group_object_ids" {
  description = "Entra ID groups that administer the cluster (local accounts are disabled)."
  type        = list(string)
  default     = []
}

variable "log_retention_days" {
  description = "Days the Log Analytics workspace keeps container insights and audit logs."
  type        = number
  default     = 90
}

variable "tags" {
  description = "Tags added to every resource."
  type        = map(string)
  default     = {}
}
