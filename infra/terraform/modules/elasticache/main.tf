# Redis for the feature store's online features, sessions and the recommendation cache (the 100 ms P95 path reads it
# on every request). TLS and IAM authentication required, encrypted at rest, a replica in another zone with automatic failover.
resource "aws_elasticache_subnet_group" "this" {
  name       = var.name
  subnet_ids = var.subnet_ids
  tags       = var.tags
}

resource "aws_security_group" "this" {
  name        = "${var.name}-redis"
  description = "Redis: TLS on 6379 from the cluster nodes only"
  vpc_id      = var.vpc_id
  tags        = var.tags
}

resource "aws_vpc_security_group_ingress_rule" "clients" {
  for_each                     = toset(var.client_security_group_ids)
  security_group_id            = aws_security_group.this.id
  description                  = "Redis TLS from ${each.key}"
  ip_protocol                  = "tcp"
  from_port                    = 6379
  to_port                      = 6379
  referenced_security_group_id = each.key
}

# Clients authenticate with IAM (their pod identity signs a token for the "platform-app" user): no password exists.
# The group replaces the built-in default user by one that is switched off.
resource "aws_elasticache_user" "default_off" {
  user_id       = "${var.name}-default-off"
  user_name     = "default"
  engine        = "redis"
  access_string = "off -@all"
  authentication_mode {
    type = "no-password-required"
  }
  tags = var.tags
}

resource "aws_elasticache_user" "app" {
  user_id       = "${var.name}-app"
  user_name     = "${var.name}-app"
  engine        = "redis"
  access_string = "on ~* +@all -@admin -flushall -flushdb"
  authentication_mode {
    type = "iam"
  }
  tags = var.tags
}

resource "aws_elasticache_user_group" "this" {
  user_group_id = var.name
  engine        = "redis"
  user_ids      = [aws_elasticache_user.default_off.user_id, aws_elasticache_user.app.user_id]
  tags          = var.tags
}

resource "aws_elasticache_replication_group" "this" {
  replication_group_id = var.name
  description          = "Online features, sessions and recommendation cache"
  engine               = "redis"
  engine_version       = var.engine_version
  node_type            = var.node_type
  port                 = 6379

  num_cache_clusters         = var.replicas + 1
  automatic_failover_enabled = true
  multi_az_enabled           = true

  subnet_group_name  = aws_elasticache_subnet_group.this.name
  security_group_ids = [aws_security_group.this.id]

  at_rest_encryption_enabled = true
  kms_key_id                 = var.kms_key_arn
  transit_encryption_enabled = true
  user_group_ids             = [aws_elasticache_user_group.this.user_group_id]

  snapshot_retention_limit   = var.snapshot_retention_days
  snapshot_window            = "02:00-03:00"
  maintenance_window         = "sun:05:30-sun:06:30"
  auto_minor_version_upgrade = true
  apply_immediately          = false

  tags = var.tags
}
