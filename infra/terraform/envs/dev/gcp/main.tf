# dev, GCP part: scales to zero between requests (a cold start of about a second is fine here). us-central1 prices.

# the env and where it runs; providers.tf configures the providers from these
locals {
  environment = "dev"
  project_id  = "platform-dev"
  region      = "us-central1"
}

module "stack" {
  source      = "../../../modules/stack-gcp"
  environment = local.environment
  project_id  = local.project_id
  region      = local.region

  notification_image = var.notification_image

  # no warm instance: pay per request, a few dollars a month; secrets and key ~$0.60
  notification_min_instances = 0
  notification_max_instances = 5
  deletion_protection        = false
}
