terraform {
  required_version = ">= 1.10"
  required_providers {
    aws = {
      source  = "hashicorp/aws"
      version = "~> 6.0"
      # aws.dr: the disaster-recovery region (its KMS key, the replicated PostgreSQL backups, the lake replica)
      configuration_aliases = [aws.dr]
    }
  }
}
