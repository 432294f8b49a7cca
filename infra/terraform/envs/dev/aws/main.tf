# dev, AWS part: prod's shape (a standby and a replica in the second zone: failover code paths are exercised
# everywhere) at the smallest sizes, one NAT gateway, short backups, no DR-region copies. Monthly costs: us-east-1
# on-demand list prices (730 hours).

# the env and where it runs; providers.tf configures the providers from these
locals {
  environment = "dev"
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

  # subnets in two zones (EKS, RDS and MSK require it), one NAT gateway $32.85
  availability_zones   = ["us-east-1a", "us-east-1b"]
  vpc_cidr             = "10.2.0.0/16"
  nat_gateway_per_zone = false

  # control plane $73.00; 2 x t3.medium $60.74 + disks $4.80 (scale the group to 0 off-hours: -$40)
  eks_node_instance_types = ["t3.medium"]
  eks_node_min_size       = 2
  eks_node_max_size       = 2
  eks_spot_max_size       = 3

  # db.t4g.micro Multi-AZ $23.36 + 20 GB $4.60; 3 days of point-in-time restore. Deletion protection stays on: tearing
  # dev down is an explicit two-step change (false, apply, destroy).
  rds_instance_class        = "db.t4g.micro"
  rds_multi_az              = true
  rds_backup_retention_days = 3
  rds_cross_region_backups  = false
  data_deletion_protection  = true

  # 2 x kafka.t3.small $66.58 (the smallest MSK cluster) + 2 x 10 GB $2.00
  msk_broker_instance_type = "kafka.t3.small"
  msk_broker_volume_gb     = 10

  # primary + replica $23.36
  redis_node_type = "cache.t4g.micro"
  redis_replicas  = 1

  lake_replication = false

  # about $295 a month
  monthly_budget_usd = 300
}
