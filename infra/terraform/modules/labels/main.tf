# The name prefix and the tags (GCP: labels) of an env's resources, in one place: the stack modules name and tag with
# them, and the env roots' providers tag by default with the same map. No resources; every value is known at plan time,
# so providers can be configured with it.
locals {
  name = "platform-${var.environment}"
  tags = {
    project     = "recommendation-platform"
    environment = var.environment
    managed-by  = "terraform"
  }
}
