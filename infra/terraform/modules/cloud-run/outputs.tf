output "uri" {
  description = "URL of the service (internal ingress: reachable through the internal load balancer only)."
  value       = google_cloud_run_v2_service.this.uri
}

output "service_account_email" {
  description = "Identity the service runs as."
  value       = google_service_account.this.email
}
