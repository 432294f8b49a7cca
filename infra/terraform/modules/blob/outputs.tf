output "account_name" {
  description = "Name of the storage account."
  value       = azurerm_storage_account.this.name
}

output "blob_endpoint" {
  description = "Blob endpoint (resolved to the private endpoint inside the VNet)."
  value       = azurerm_storage_account.this.primary_blob_endpoint
}

output "account_id" {
  description = "ID of the account (assign the services' identities Storage Blob Data Contributor on it)."
  value       = azurerm_storage_account.this.id
}
