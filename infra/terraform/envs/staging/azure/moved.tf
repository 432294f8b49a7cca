# Where the resources were before the stack module: these blocks move them in the state at the next plan, nothing is
# destroyed or re-created. They can go once every state of this root has been applied with them.
moved {
  from = azurerm_resource_group.this
  to   = module.stack.azurerm_resource_group.this
}

moved {
  from = module.vnet
  to   = module.stack.module.vnet
}

moved {
  from = module.aks
  to   = module.stack.module.aks
}

moved {
  from = module.redis
  to   = module.stack.module.redis
}

moved {
  from = azurerm_key_vault.this
  to   = module.stack.azurerm_key_vault.this
}

moved {
  from = azurerm_private_dns_zone.key_vault
  to   = module.stack.azurerm_private_dns_zone.key_vault
}

moved {
  from = azurerm_private_dns_zone_virtual_network_link.key_vault
  to   = module.stack.azurerm_private_dns_zone_virtual_network_link.key_vault
}

moved {
  from = azurerm_private_endpoint.key_vault
  to   = module.stack.azurerm_private_endpoint.key_vault
}

moved {
  from = azurerm_key_vault_key.this
  to   = module.stack.azurerm_key_vault_key.this
}

moved {
  from = azurerm_disk_encryption_set.nodes
  to   = module.stack.azurerm_disk_encryption_set.nodes
}

moved {
  from = azurerm_role_assignment.disks_key
  to   = module.stack.azurerm_role_assignment.disks_key
}

moved {
  from = azurerm_user_assigned_identity.lake
  to   = module.stack.azurerm_user_assigned_identity.lake
}

moved {
  from = azurerm_role_assignment.lake_key
  to   = module.stack.azurerm_role_assignment.lake_key
}

moved {
  from = module.lake
  to   = module.stack.module.lake
}
