output "primary_endpoint" {
  description = "Primary endpoint (rediss://, IAM authentication as app_user_name)."
  value       = aws_elasticache_replication_group.this.primary_endpoint_address
}

output "app_user_name" {
  description = "Redis user of the services (IAM: their role needs elasticache:Connect on it and the group)."
  value       = aws_elasticache_user.app.user_name
}
