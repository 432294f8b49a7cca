# State in an Azure Storage blob (locked by a blob lease), reached with Entra ID. Partial configuration: the account
# is the subscription's, given at init time (see docs/infrastructure-as-code.md):
#   tofu init -backend-config="storage_account_name=<state account>"
terraform {
  backend "azurerm" {
    resource_group_name = "platform-terraform-state"
    container_name      = "tfstate"
    key                 = "dev/azure.tfstate"
    use_azuread_auth    = true
  }
}
