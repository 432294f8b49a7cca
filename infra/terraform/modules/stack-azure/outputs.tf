output "aks_cluster_name" {
  description = "AKS cluster (az aks get-credentials --name ...)."
  value       = module.aks.cluster_name
}

output "aks_oidc_issuer_url" {
  description = "OIDC issuer for the services' workload identities."
  value       = module.aks.oidc_issuer_url
}

output "redis_hostname" {
  description = "Azure Cache for Redis host (TLS 6380, private endpoint)."
  value       = module.redis.hostname
}

output "lake_blob_endpoint" {
  description = "Blob endpoint of the lake replica (private endpoint)."
  value       = module.lake.blob_endpoint
}
