# prod, GCP part: the baseline of the cost table in infra/terraform/README.md. us-central1 list prices.

# the env and where it runs; providers.tf configures the providers from these
locals {
  environment = "prod"
  project_id  = "platform-prod"
  region      = "us-central1"
}

module "stack" {
  source      = "../../../modules/stack-gcp"
  environment = local.environment
  project_id  = local.project_id
  region      = local.region

  notification_image = var.notification_image

  # one warm instance (1 vCPU, 512 MiB, CPU only during requests): idle ~$9.90 + ~1M requests and their CPU time ~$2.50;
  # Secret Manager 3 secrets and the KMS key ~$0.60. Scales per request to 50 instances (80 concurrent requests each).
  notification_min_instances = 1
  notification_max_instances = 50
  deletion_protection        = true

  # GCP part of the baseline: $13.00 (README).
}
