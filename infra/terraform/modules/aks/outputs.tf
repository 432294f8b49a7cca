output "cluster_name" {
  description = "Name of the cluster (az aks get-credentials --name ...)."
  value       = azurerm_kubernetes_cluster.this.name
}

output "oidc_issuer_url" {
  description = "OIDC issuer for workload identity federation of the services' service accounts."
  value       = azurerm_kubernetes_cluster.this.oidc_issuer_url
}

output "kubelet_identity_object_id" {
  description = "Object ID of the kubelet identity (grant it AcrPull on the registry)."
  value       = azurerm_kubernetes_cluster.this.kubelet_identity[0].object_id
}

output "log_analytics_workspace_id" {
  description = "Workspace of Container Insights, reused by the other Azure diagnostics."
  value       = azurerm_log_analytics_workspace.this.id
}
