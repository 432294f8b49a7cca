output "eks_cluster_name" {
  description = "EKS cluster (aws eks update-kubeconfig --name ...)."
  value       = module.eks.cluster_name
}

output "postgres_endpoint" {
  description = "PostgreSQL host:port (TLS required)."
  value       = module.rds.endpoint
}

output "postgres_master_secret_arn" {
  description = "Secrets Manager secret of the PostgreSQL master credentials."
  value       = module.rds.master_user_secret_arn
}

output "kafka_bootstrap_brokers" {
  description = "Kafka bootstrap servers (IAM over TLS)."
  value       = module.msk.bootstrap_brokers_iam
}

output "redis_endpoint" {
  description = "Redis primary endpoint (TLS, IAM authentication)."
  value       = module.elasticache.primary_endpoint
}

output "redis_app_user" {
  description = "Redis user the services authenticate as with IAM."
  value       = module.elasticache.app_user_name
}

output "lake_bucket" {
  description = "Data-lake bucket."
  value       = module.lake.bucket
}

output "alert_topic_arn" {
  description = "SNS topic of the alarms and the budget."
  value       = module.monitoring.alert_topic_arn
}
