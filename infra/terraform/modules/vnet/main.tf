# Two subnets: the AKS nodes (Azure CNI: pods take addresses from it, hence /20) and the private endpoints of Redis and
# Blob storage. Each has a network security group; nothing has a public address except the ingress load balancer.
resource "azurerm_virtual_network" "this" {
  name                = var.name
  resource_group_name = var.resource_group_name
  location            = var.location
  address_space       = [var.address_space]
  tags                = var.tags
}

resource "azurerm_subnet" "nodes" {
  name                 = "aks-nodes"
  resource_group_name  = var.resource_group_name
  virtual_network_name = azurerm_virtual_network.this.name
  address_prefixes     = [cidrsubnet(var.address_space, 4, 0)]
}

resource "azurerm_subnet" "private_endpoints" {
  name                              = "private-endpoints"
  resource_group_name               = var.resource_group_name
  virtual_network_name              = azurerm_virtual_network.this.name
  address_prefixes                  = [cidrsubnet(var.address_space, 8, 16)]
  private_endpoint_network_policies = "Enabled"
}

resource "azurerm_network_security_group" "nodes" {
  name                = "${var.name}-aks-nodes"
  resource_group_name = var.resource_group_name
  location            = var.location
  tags                = var.tags
}

resource "azurerm_network_security_group" "private_endpoints" {
  name                = "${var.name}-private-endpoints"
  resource_group_name = var.resource_group_name
  location            = var.location
  tags                = var.tags

  # only the nodes reach the endpoints: Redis over TLS and Blob over HTTPS
  security_rule {
    name                       = "nodes-to-endpoints"
    priority                   = 100
    direction                  = "Inbound"
    access                     = "Allow"
    protocol                   = "Tcp"
    source_address_prefix      = azurerm_subnet.nodes.address_prefixes[0]
    source_port_range          = "*"
    destination_address_prefix = azurerm_subnet.private_endpoints.address_prefixes[0]
    destination_port_ranges    = ["443", "6380"]
  }

  security_rule {
    name                       = "deny-other-inbound"
    priority                   = 4000
    direction                  = "Inbound"
    access                     = "Deny"
    protocol                   = "*"
    source_address_prefix      = "*"
    source_port_range          = "*"
    destination_address_prefix = "*"
    destination_port_range     = "*"
  }
}

resource "azurerm_subnet_network_security_group_association" "nodes" {
  subnet_id                 = azurerm_subnet.nodes.id
  network_security_group_id = azurerm_network_security_group.nodes.id
}

resource "azurerm_subnet_network_security_group_association" "private_endpoints" {
  subnet_id                 = azurerm_subnet.private_endpoints.id
  network_security_group_id = azurerm_network_security_group.private_endpoints.id
}
