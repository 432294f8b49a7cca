# AKS for the recommendation service and TF Serving. A private API server, Entra ID authentication only (no local
# accounts), Azure RBAC, Azure CNI with network policies, Azure Policy (pod security), the Key Vault CSI driver for
# secrets, the nodes' disks encrypted at the host and with a customer-managed key, Container Insights into Log Analytics.
resource "azurerm_log_analytics_workspace" "this" {
  name                = var.name
  resource_group_name = var.resource_group_name
  location            = var.location
  sku                 = "PerGB2018"
  retention_in_days   = var.log_retention_days
  tags                = var.tags
}

resource "azurerm_kubernetes_cluster" "this" {
  name                = var.name
  resource_group_name = var.resource_group_name
  location            = var.location
  dns_prefix          = var.name
  kubernetes_version  = var.kubernetes_version
  sku_tier            = var.sku_tier

  disk_encryption_set_id = var.disk_encryption_set_id

  private_cluster_enabled           = true
  local_account_disabled            = true
  role_based_access_control_enabled = true
  azure_policy_enabled              = true
  automatic_upgrade_channel         = "patch"
  node_os_upgrade_channel           = "NodeImage"
  image_cleaner_enabled             = true
  image_cleaner_interval_hours      = 48
  oidc_issuer_enabled               = true
  workload_identity_enabled         = true

  azure_active_directory_role_based_access_control {
    azure_rbac_enabled     = true
    admin_group_object_ids = var.admin_group_object_ids
  }

  identity {
    type = "SystemAssigned"
  }

  default_node_pool {
    name                        = "default"
    vm_size                     = var.node_vm_size
    vnet_subnet_id              = var.node_subnet_id
    zones                       = var.zones
    auto_scaling_enabled        = true
    min_count                   = var.node_min_count
    max_count                   = var.node_max_count
    max_pods                    = 50
    os_disk_size_gb             = 32
    host_encryption_enabled     = true
    temporary_name_for_rotation = "rotation"

    upgrade_settings {
      max_surge = "33%"
    }
  }

  network_profile {
    network_plugin    = "azure"
    network_policy    = "azure"
    load_balancer_sku = "standard"
    outbound_type     = "loadBalancer"
  }

  key_vault_secrets_provider {
    secret_rotation_enabled = true
  }

  oms_agent {
    log_analytics_workspace_id      = azurerm_log_analytics_workspace.this.id
    msi_auth_for_monitoring_enabled = true
  }

  tags = var.tags

  # the cluster autoscaler owns the node count
  lifecycle {
    ignore_changes = [default_node_pool[0].node_count]
  }
}
