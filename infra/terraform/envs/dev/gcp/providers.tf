provider "google" {
  project        = local.project_id
  region         = local.region
  default_labels = module.labels.tags
}

# the labels the provider puts on every resource: the same as the stack module's own (modules/labels)
module "labels" {
  source      = "../../../modules/labels"
  environment = local.environment
}
