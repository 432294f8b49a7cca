# The Azure part of the platform: AKS for the recommendation service and TF Serving, Azure Cache for Redis for its
# online features, Blob storage for the replica of the data lake. The wiring is the same in every env; each env root
# (infra/terraform/envs/<env>/azure) calls this module with its sizes, each written next to its monthly cost.
module "labels" {
  source      = "../labels"
  environment = var.environment
}

locals {
  name = module.labels.name
  tags = module.labels.tags
}

data "azurerm_client_config" "current" {}

resource "azurerm_resource_group" "this" {
  name     = local.name
  location = var.location
  tags     = local.tags
}

module "vnet" {
  source              = "../vnet"
  name                = local.name
  resource_group_name = azurerm_resource_group.this.name
  location            = var.location
  address_space       = var.vnet_address_space
  tags                = local.tags
}

module "aks" {
  source                 = "../aks"
  disk_encryption_set_id = azurerm_disk_encryption_set.nodes.id
  name                   = local.name
  resource_group_name    = azurerm_resource_group.this.name
  location               = var.location
  sku_tier               = var.aks_sku_tier
  node_subnet_id         = module.vnet.node_subnet_id
  node_vm_size           = var.aks_node_vm_size
  node_min_count         = var.aks_node_min_count
  node_max_count         = var.aks_node_max_count
  admin_group_object_ids = var.aks_admin_group_object_ids
  tags                   = local.tags

  depends_on = [azurerm_role_assignment.disks_key]
}

module "redis" {
  source                     = "../azure-redis"
  name                       = "${local.name}-features"
  resource_group_name        = azurerm_resource_group.this.name
  location                   = var.location
  sku_name                   = var.redis_sku_name
  capacity                   = var.redis_capacity
  private_endpoint_subnet_id = module.vnet.private_endpoint_subnet_id
  vnet_id                    = module.vnet.vnet_id
  tags                       = local.tags
}

# The customer-managed keys of the nodes' disks and of the lake replica: HSM-backed keys in a Key Vault reachable
# through its private endpoint only (apply from a runner inside the VNet), rotated yearly, each usable by one
# identity only.
resource "azurerm_key_vault" "this" {
  name                          = "${local.name}-kv"
  resource_group_name           = azurerm_resource_group.this.name
  location                      = var.location
  tenant_id                     = data.azurerm_client_config.current.tenant_id
  sku_name                      = "premium"
  enable_rbac_authorization     = true
  purge_protection_enabled      = true
  soft_delete_retention_days    = 90
  public_network_access_enabled = false
  tags                          = local.tags

  network_acls {
    default_action = "Deny"
    bypass         = "AzureServices"
  }
}

resource "azurerm_private_dns_zone" "key_vault" {
  name                = "privatelink.vaultcore.azure.net"
  resource_group_name = azurerm_resource_group.this.name
  tags                = local.tags
}

resource "azurerm_private_dns_zone_virtual_network_link" "key_vault" {
  name                  = "${local.name}-key-vault"
  resource_group_name   = azurerm_resource_group.this.name
  private_dns_zone_name = azurerm_private_dns_zone.key_vault.name
  virtual_network_id    = module.vnet.vnet_id
  tags                  = local.tags
}

resource "azurerm_private_endpoint" "key_vault" {
  name                = "${local.name}-key-vault"
  resource_group_name = azurerm_resource_group.this.name
  location            = var.location
  subnet_id           = module.vnet.private_endpoint_subnet_id
  tags                = local.tags

  private_service_connection {
    name                           = "${local.name}-key-vault"
    private_connection_resource_id = azurerm_key_vault.this.id
    subresource_names              = ["vault"]
    is_manual_connection           = false
  }

  private_dns_zone_group {
    name                 = "key-vault"
    private_dns_zone_ids = [azurerm_private_dns_zone.key_vault.id]
  }
}

resource "azurerm_key_vault_key" "this" {
  for_each     = toset(["disks", "lake"])
  name         = each.key
  key_vault_id = azurerm_key_vault.this.id
  key_type     = "RSA-HSM"
  key_size     = 3072
  key_opts     = ["wrapKey", "unwrapKey"]

  rotation_policy {
    expire_after         = "P1Y"
    notify_before_expiry = "P30D"
    automatic {
      time_before_expiry = "P30D"
    }
  }
}

resource "azurerm_disk_encryption_set" "nodes" {
  name                      = "${local.name}-nodes"
  resource_group_name       = azurerm_resource_group.this.name
  location                  = var.location
  key_vault_key_id          = azurerm_key_vault_key.this["disks"].versionless_id
  auto_key_rotation_enabled = true
  tags                      = local.tags

  identity {
    type = "SystemAssigned"
  }
}

resource "azurerm_role_assignment" "disks_key" {
  scope                = azurerm_key_vault.this.id
  role_definition_name = "Key Vault Crypto Service Encryption User"
  principal_id         = azurerm_disk_encryption_set.nodes.identity[0].principal_id
}

resource "azurerm_user_assigned_identity" "lake" {
  name                = "${local.name}-lake"
  resource_group_name = azurerm_resource_group.this.name
  location            = var.location
  tags                = local.tags
}

resource "azurerm_role_assignment" "lake_key" {
  scope                = azurerm_key_vault.this.id
  role_definition_name = "Key Vault Crypto Service Encryption User"
  principal_id         = azurerm_user_assigned_identity.lake.principal_id
}

module "lake" {
  source                     = "../blob"
  account_name               = replace("${local.name}lake", "-", "")
  resource_group_name        = azurerm_resource_group.this.name
  location                   = var.location
  replication_type           = var.lake_replication_type
  private_endpoint_subnet_id = module.vnet.private_endpoint_subnet_id
  vnet_id                    = module.vnet.vnet_id
  customer_managed_key_id    = azurerm_key_vault_key.this["lake"].versionless_id
  log_analytics_workspace_id = module.aks.log_analytics_workspace_id
  encryption_identity_id     = azurerm_user_assigned_identity.lake.id
  tags                       = local.tags

  depends_on = [azurerm_role_assignment.lake_key]
}
