# prod, GCP part: the baseline of the cost table in infra/terraform/README.md. us-central1 list prices.
environment = "prod"
project_id  = "platform-prod"
region      = "us-central1"

notification_image = "us-central1-docker.pkg.dev/platform-prod/services/notification-service:0.1.0"

# one warm instance (1 vCPU, 512 MiB, CPU only during requests): idle ~$9.90 + ~1M requests and their CPU time ~$2.50;
# Secret Manager 3 secrets and the KMS key ~$0.60. Scales per request to 50 instances (80 concurrent requests each).
notification_min_instances = 1
notification_max_instances = 50
deletion_protection        = true

# GCP part of the baseline: $13.00 (README).
