# staging, Azure part: prod's shape with fewer nodes. East US list prices (730 hours).

# the env and where it runs; providers.tf configures the providers from these
locals {
  environment     = "staging"
  subscription_id = "00000000-0000-0000-0000-000000000000" # set per subscription; not a secret
  location        = "eastus"
}

module "stack" {
  source      = "../../../modules/stack-azure"
  environment = local.environment
  location    = local.location

  vnet_address_space = "10.21.0.0/16"

  # Free control plane; 2 x Standard_B2s $60.74 + disks $10.56; load balancer $18.25; logs ~$4
  aks_sku_tier       = "Free"
  aks_node_vm_size   = "Standard_B2s"
  aks_node_min_count = 2
  aks_node_max_count = 4

  # Standard C0 $40.15 + private endpoint $7.30
  redis_sku_name = "Standard"
  redis_capacity = 0

  # GZRS ~$4 + private endpoints (blob, key vault) $14.60 + DNS, keys $3.50
  lake_replication_type = "GZRS"

  # about $170 a month
}
