output "uri" {
  description = "URL of the service (every request needs an identity token of an invoker)."
  value       = google_cloud_run_v2_service.this.uri
}

output "service_account_email" {
  description = "Identity the service runs as."
  value       = google_service_account.this.email
}
