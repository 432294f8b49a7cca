# staging, GCP part: scales to zero between requests (a cold start of about a second is fine here). us-central1 prices.
environment = "staging"
project_id  = "platform-staging"
region      = "us-central1"

notification_image = "us-central1-docker.pkg.dev/platform-staging/services/notification-service:0.1.0"

# no warm instance: pay per request, a few dollars a month; secrets and key ~$0.60
notification_min_instances = 0
notification_max_instances = 20
deletion_protection        = false
