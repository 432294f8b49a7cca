output "bootstrap_brokers_iam" {
  description = "Bootstrap servers for IAM-authenticated TLS clients (the KAFKA_BROKERS secret of the services)."
  value       = aws_msk_cluster.this.bootstrap_brokers_sasl_iam
}

output "cluster_arn" {
  description = "ARN of the cluster (the services' pod-identity policies grant kafka-cluster:* actions on it)."
  value       = aws_msk_cluster.this.arn
}
