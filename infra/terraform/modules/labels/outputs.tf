output "name" {
  description = "Prefix of the env's resource names, \"platform-<environment>\"."
  value       = local.name
}

output "tags" {
  description = "Tags (GCP: labels) of every resource of the env: project, environment, managed-by."
  value       = local.tags
}
