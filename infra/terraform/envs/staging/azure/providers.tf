provider "azurerm" {
  subscription_id = local.subscription_id
  # Entra ID for the data plane too: the storage account has no shared keys
  storage_use_azuread = true
  features {
    key_vault {
      purge_soft_delete_on_destroy = false
    }
  }
}
