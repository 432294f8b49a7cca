output "hostname" {
  description = "Host name of the cache (TLS port 6380, resolved to the private endpoint inside the VNet)."
  value       = azurerm_redis_cache.this.hostname
}

output "id" {
  description = "ID of the cache (assign the services' identities a Redis access policy on it)."
  value       = azurerm_redis_cache.this.id
}
