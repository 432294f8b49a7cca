output "vnet_id" {
  description = "ID of the VNet."
  value       = azurerm_virtual_network.this.id
}

output "node_subnet_id" {
  description = "Subnet of the AKS nodes and pods."
  value       = azurerm_subnet.nodes.id
}

output "private_endpoint_subnet_id" {
  description = "Subnet of the private endpoints."
  value       = azurerm_subnet.private_endpoints.id
}
