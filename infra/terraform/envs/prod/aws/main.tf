# prod, AWS part: the baseline of the cost table in infra/terraform/README.md. Monthly costs are us-east-1 on-demand
# list prices (730 hours), before savings plans or reserved instances; they scale as noted.

# the env and where it runs; providers.tf configures the providers from these
locals {
  environment = "prod"
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

  # two zones: one can fail (99.9%); a NAT gateway in each so that egress survives it: 2 x $32.85 + ~50 GB $2.25
  availability_zones   = ["us-east-1a", "us-east-1b"]
  vpc_cidr             = "10.0.0.0/16"
  nat_gateway_per_zone = true

  # control plane $73.00; 2 x t3.medium on-demand $60.74 + 2 x 30 GB gp3 $4.80. The 12 services at their minimum of
  # 2 replicas (100m/128Mi requests) fit on them. Scale-out (HPA to 50 replicas) lands on spot nodes, $0 at rest,
  # about $0.02 an hour per t3.large while they run.
  eks_node_instance_types = ["t3.medium"]
  eks_node_min_size       = 2
  eks_node_max_size       = 4
  eks_spot_max_size       = 10

  # db.t4g.micro Multi-AZ $23.36 + 20 GB gp3 Multi-AZ $4.60 + backups replicated to us-west-2 ~$2.50 + monitoring ~$1.
  # RTO: Multi-AZ failover 1-2 min (zone), point-in-time restore < 30 min at this size (instance, region via the
  # replicated backups); RPO: 5 min (transaction logs shipped every 5 minutes). Vertical scaling: next class db.t4g.small.
  rds_instance_class        = "db.t4g.micro"
  rds_multi_az              = true
  rds_backup_retention_days = 14
  rds_cross_region_backups  = true
  data_deletion_protection  = true

  # 2 x kafka.t3.small $66.58 + 2 x 20 GB $4.00 (7 days of events at a few thousand a second). Scale: kafka.m7g.large
  # brokers, more partitions; brokers are added in multiples of the zones.
  msk_broker_instance_type = "kafka.t3.small"
  msk_broker_volume_gb     = 20

  # 2 x cache.t4g.micro (primary + replica in the other zone) $23.36. Scale: cache.t4g.small, then cluster mode.
  redis_node_type = "cache.t4g.micro"
  redis_replicas  = 1

  # lake: 100 GB Standard $2.30 + requests ~$1.50; replica in us-west-2 (Glacier IR, Replication Time Control,
  # transfer) ~$1.45. KMS 2 keys $2.00, CloudWatch logs/alarms, SNS + the RDS master secret ~$5.90.
  lake_replication = true

  # AWS part of the baseline: $345.04 (README); the budget alerts at 80% forecast and 100% actual of this.
  monthly_budget_usd = 360
}
