variable "name" {
  description = "Name of the service, e.g. \"notification-service\"."
  type        = string
}

variable "project_id" {
  description = "GCP project."
  type        = string
}

variable "region" {
  description = "GCP region."
  type        = string
}

variable "image" {
  description = "Container image (by digest in prod: the deploy workflow sets it)."
  type        = string
}

variable "port" {
  description = "Port the container listens on."
  type        = number
  default     = 3008
}

variable "cpu" {
  description = "vCPUs per instance."
  type        = string
  default     = "1"
}

variable "memory" {
  description = "Memory per instance."
  type        = string
  default     = "512Mi"
}

variable "min_instances" {
  description = "Instances kept warm (1 in prod: no cold start on an order confirmation; 0 elsewhere: pay per request)."
  type        = number
  default     = 1
}

variable "max_instances" {
  description = "Ceiling of the request-driven autoscaling (the platform's 2-to-50 target)."
  type        = number
  default     = 50
}

variable "concurrency" {
  description = "Requests one instance serves at once (I/O-bound: SendGrid and Twilio calls)."
  type        = number
  default     = 80
}

variable "env" {
  description = "Plain environment variables."
  type        = map(string)
  default     = {}
}

variable "secret_env" {
  description = "Environment variables read from Secret Manager: variable name => secret ID (created here, versions added out of band)."
  type        = map(string)
  default     = {}
}

variable "invoker_members" {
  description = "Principals allowed to invoke the service (the gateway's service account); never allUsers."
  type        = list(string)
  default     = []
}

variable "kms_key_name" {
  description = "Cloud KMS key encrypting the image and the secrets (CMEK)."
  type        = string
}

variable "deletion_protection" {
  description = "Refuse destroying the service (prod)."
  type        = bool
  default     = true
}

variable "labels" {
  description = "Labels added to every resource."
  type        = map(string)
  default     = {}
}
