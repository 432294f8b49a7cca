# prod, Azure part: the baseline of the cost table in infra/terraform/README.md. Monthly costs are East US pay-as-you-go
# list prices (730 hours).

# the env and where it runs; providers.tf configures the providers from these
locals {
  environment     = "prod"
  subscription_id = "00000000-0000-0000-0000-000000000000" # set per subscription; not a secret
  location        = "eastus"
}

module "stack" {
  source      = "../../../modules/stack-azure"
  environment = local.environment
  location    = local.location

  vnet_address_space = "10.20.0.0/16"

  # Free control plane $0 (Standard, with the 99.95% API SLA, is +$73: the first upgrade when the budget allows; the
  # data plane serves without the API server); 2 x Standard_B2s across zones $60.74 + 2 x 32 GB P4 OS disks $10.56;
  # standard load balancer $18.25; Log Analytics ~8 GB $6.90. Scale-out to 10 nodes follows the recommendation pods' HPA.
  aks_sku_tier       = "Free"
  aks_node_vm_size   = "Standard_B2s"
  aks_node_min_count = 2
  aks_node_max_count = 10

  # Standard C0 (primary + replica, 99.9% SLA) $40.15; private endpoint $7.30. Scale: C1 (1 GB), then Premium for
  # clustering and zone redundancy.
  redis_sku_name = "Standard"
  redis_capacity = 0

  # GZRS: zone-redundant and copied to the paired region (typical lag < 15 min); 100 GB hot then cool, operations,
  # geo-replication ~$6; private endpoints (blob, key vault) $14.60, 3 private DNS zones $1.50, 2 Key Vault HSM keys
  # $2.00; the disk encryption set is free.
  lake_replication_type = "GZRS"

  # Azure part of the baseline: $168.00 (README).
}
