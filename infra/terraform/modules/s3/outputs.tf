output "bucket" {
  description = "Name of the data-lake bucket."
  value       = aws_s3_bucket.primary.id
}

output "bucket_arn" {
  description = "ARN of the data-lake bucket (the services' pod-identity policies grant access to prefixes of it)."
  value       = aws_s3_bucket.primary.arn
}

output "replica_bucket" {
  description = "Name of the replica in the DR region, null without replication."
  value       = var.replication ? aws_s3_bucket.replica[0].id : null
}
