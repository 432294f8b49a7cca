provider "aws" {
  region = local.region
  default_tags {
    tags = module.labels.tags
  }
}

# the disaster-recovery region: replicated database backups and the replica of the lake
provider "aws" {
  alias  = "dr"
  region = local.dr_region
  default_tags {
    tags = module.labels.tags
  }
}

# the tags the providers put on every resource: the same as the stack module's own (modules/labels)
module "labels" {
  source      = "../../../modules/labels"
  environment = local.environment
}
