# The AWS part of the platform: the EKS cluster of most services, PostgreSQL, Kafka, Redis, the data lake and the
# cloud-side alarms. The wiring is the same in every env; each env root (infra/terraform/envs/<env>/aws) calls this
# module with its sizes, each written next to its monthly cost, and its providers (aws, and aws.dr for the DR region).
module "labels" {
  source      = "../labels"
  environment = var.environment
}

locals {
  name = module.labels.name
  tags = module.labels.tags
}

data "aws_caller_identity" "current" {}

# One customer-managed key per region for everything the environment stores. The key policy lets the account's IAM
# policies grant its use ("*" is the key itself in a key policy) and CloudWatch Logs use it for this account's log
# groups only.
locals {
  kms_policy = {
    for key, region in { primary = var.region, dr = var.dr_region } : key => jsonencode({
      Version = "2012-10-17"
      Statement = [
        {
          Sid       = "AccountAdministers"
          Effect    = "Allow"
          Principal = { AWS = "arn:aws:iam::${data.aws_caller_identity.current.account_id}:root" }
          Action    = "kms:*"
          Resource  = "*"
        },
        {
          Sid       = "CloudWatchLogsEncrypts"
          Effect    = "Allow"
          Principal = { Service = "logs.${region}.amazonaws.com" }
          Action    = ["kms:Encrypt", "kms:Decrypt", "kms:ReEncrypt*", "kms:GenerateDataKey*", "kms:Describe*"]
          Resource  = "*"
          Condition = {
            ArnLike = { "kms:EncryptionContext:aws:logs:arn" = "arn:aws:logs:${region}:${data.aws_caller_identity.current.account_id}:log-group:*" }
          }
        },
      ]
    })
  }
}

resource "aws_kms_key" "primary" {
  description             = "${local.name}: data at rest"
  enable_key_rotation     = true
  deletion_window_in_days = 30
  policy                  = local.kms_policy["primary"]
}

resource "aws_kms_alias" "primary" {
  name          = "alias/${local.name}"
  target_key_id = aws_kms_key.primary.key_id
}

resource "aws_kms_key" "dr" {
  provider                = aws.dr
  description             = "${local.name}: replicated backups and lake replica"
  enable_key_rotation     = true
  deletion_window_in_days = 30
  policy                  = local.kms_policy["dr"]
}

resource "aws_kms_alias" "dr" {
  provider      = aws.dr
  name          = "alias/${local.name}-dr"
  target_key_id = aws_kms_key.dr.key_id
}

module "vpc" {
  source               = "../vpc"
  name                 = local.name
  cidr_block           = var.vpc_cidr
  availability_zones   = var.availability_zones
  nat_gateway_per_zone = var.nat_gateway_per_zone
  kms_key_arn          = aws_kms_key.primary.arn
  tags                 = local.tags
}

module "eks" {
  source              = "../eks"
  name                = local.name
  vpc_id              = module.vpc.vpc_id
  private_subnet_ids  = module.vpc.private_subnet_ids
  public_access_cidrs = var.eks_public_access_cidrs
  kms_key_arn         = aws_kms_key.primary.arn
  node_instance_types = var.eks_node_instance_types
  node_min_size       = var.eks_node_min_size
  node_max_size       = var.eks_node_max_size
  spot_max_size       = var.eks_spot_max_size
  tags                = local.tags
}

module "rds" {
  source = "../rds"
  providers = {
    aws    = aws
    aws.dr = aws.dr
  }
  name                      = local.name
  instance_class            = var.rds_instance_class
  multi_az                  = var.rds_multi_az
  backup_retention_days     = var.rds_backup_retention_days
  cross_region_backups      = var.rds_cross_region_backups
  dr_kms_key_arn            = aws_kms_key.dr.arn
  deletion_protection       = var.data_deletion_protection
  vpc_id                    = module.vpc.vpc_id
  subnet_ids                = module.vpc.private_subnet_ids
  client_security_group_ids = [module.eks.node_security_group_id]
  kms_key_arn               = aws_kms_key.primary.arn
  tags                      = local.tags
}

module "msk" {
  source                    = "../msk"
  name                      = local.name
  broker_instance_type      = var.msk_broker_instance_type
  broker_count              = length(var.availability_zones)
  broker_volume_gb          = var.msk_broker_volume_gb
  vpc_id                    = module.vpc.vpc_id
  subnet_ids                = module.vpc.private_subnet_ids
  client_security_group_ids = [module.eks.node_security_group_id]
  kms_key_arn               = aws_kms_key.primary.arn
  tags                      = local.tags
}

module "elasticache" {
  source                    = "../elasticache"
  name                      = local.name
  node_type                 = var.redis_node_type
  replicas                  = var.redis_replicas
  vpc_id                    = module.vpc.vpc_id
  subnet_ids                = module.vpc.private_subnet_ids
  client_security_group_ids = [module.eks.node_security_group_id]
  kms_key_arn               = aws_kms_key.primary.arn
  tags                      = local.tags
}

module "lake" {
  source = "../s3"
  providers = {
    aws    = aws
    aws.dr = aws.dr
  }
  bucket_name         = "${local.name}-lake-${data.aws_caller_identity.current.account_id}"
  kms_key_arn         = aws_kms_key.primary.arn
  replication         = var.lake_replication
  replica_kms_key_arn = aws_kms_key.dr.arn
  force_destroy       = !var.data_deletion_protection
  tags                = local.tags
}

module "monitoring" {
  source                     = "../monitoring"
  name                       = local.name
  alert_emails               = var.alert_emails
  monthly_budget_usd         = var.monthly_budget_usd
  kms_key_arn                = aws_kms_key.primary.arn
  rds_instance_id            = local.name
  msk_cluster_name           = local.name
  msk_broker_count           = length(var.availability_zones)
  redis_replication_group_id = local.name
  tags                       = local.tags

  depends_on = [module.rds, module.msk, module.elasticache]
}
