# dev, Azure part: one node, the smallest replicated cache, geo-redundant storage. East US list prices (730 hours).

# the env and where it runs; providers.tf configures the providers from these
locals {
  environment     = "dev"
  subscription_id = "00000000-0000-0000-0000-000000000000" # set per subscription; not a secret
  location        = "eastus"
}

module "stack" {
  source      = "../../../modules/stack-azure"
  environment = local.environment
  location    = local.location

  vnet_address_space = "10.22.0.0/16"

  # Free control plane; 1 x Standard_B2s $30.37 + disk $5.28; load balancer $18.25; logs ~$2
  aks_sku_tier       = "Free"
  aks_node_vm_size   = "Standard_B2s"
  aks_node_min_count = 1
  aks_node_max_count = 2

  # Standard C0 (primary + replica: the failover path exists in dev too) $40.15 + private endpoint $7.30
  redis_sku_name = "Standard"
  redis_capacity = 0

  # GRS (copied to the paired region) ~$3 + private endpoints (blob, key vault) $14.60 + DNS, keys $3.50
  lake_replication_type = "GRS"

  # about $125 a month
}
