# staging, AWS part: prod's shape (Multi-AZ, replicas) to rehearse releases and failovers, without the DR-region
# copies and with one NAT gateway. Monthly costs: us-east-1 on-demand list prices (730 hours).

# the env and where it runs; providers.tf configures the providers from these
locals {
  environment = "staging"
  region      = "us-east-1"
  dr_region   = "us-west-2"
}

module "stack" {
  source = "../../../modules/stack-aws"
  providers = {
    aws    = aws
    aws.dr = aws.dr
  }
  environment = local.environment
  region      = local.region
  dr_region   = local.dr_region

  # one shared NAT gateway $32.85 (a zone failure cuts the other zone's egress: acceptable here)
  availability_zones   = ["us-east-1a", "us-east-1b"]
  vpc_cidr             = "10.1.0.0/16"
  nat_gateway_per_zone = false

  # control plane $73.00; 2 x t3.medium $60.74 + disks $4.80; spot for load tests
  eks_node_instance_types = ["t3.medium"]
  eks_node_min_size       = 2
  eks_node_max_size       = 3
  eks_spot_max_size       = 6

  # db.t4g.micro Multi-AZ $23.36 + storage $4.60; 7 days of point-in-time restore, no DR-region copy
  rds_instance_class        = "db.t4g.micro"
  rds_multi_az              = true
  rds_backup_retention_days = 7
  rds_cross_region_backups  = false
  data_deletion_protection  = true

  # 2 x kafka.t3.small $66.58 + 2 x 10 GB $2.00
  msk_broker_instance_type = "kafka.t3.small"
  msk_broker_volume_gb     = 10

  # primary + replica $23.36
  redis_node_type = "cache.t4g.micro"
  redis_replicas  = 1

  # lake without the DR-region replica: ~$3
  lake_replication = false

  # about $300 a month
  monthly_budget_usd = 320
}
