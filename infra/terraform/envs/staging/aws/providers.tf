provider "aws" {
  region = var.region
  default_tags {
    tags = local.tags
  }
}

# the disaster-recovery region: replicated database backups and the replica of the lake
provider "aws" {
  alias  = "dr"
  region = var.dr_region
  default_tags {
    tags = local.tags
  }
}
