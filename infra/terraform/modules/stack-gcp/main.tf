# The GCP part of the platform: the notification service on Cloud Run, its secrets (SendGrid, Twilio) and the key
# that encrypts them. The wiring is the same in every env; each env root (infra/terraform/envs/<env>/gcp) calls this
# module with its sizes, each written next to its monthly cost.
module "labels" {
  source      = "../labels"
  environment = var.environment
}

locals {
  name   = module.labels.name
  labels = module.labels.tags
}

data "google_project" "this" {
  project_id = var.project_id
}

resource "google_kms_key_ring" "this" {
  name     = local.name
  location = var.region
}

resource "google_kms_crypto_key" "this" {
  name            = "${local.name}-data"
  key_ring        = google_kms_key_ring.this.id
  rotation_period = "7776000s" # 90 days
  labels          = local.labels

  lifecycle {
    prevent_destroy = true
  }
}

# the Google-managed agents that encrypt for Cloud Run and Secret Manager
resource "google_kms_crypto_key_iam_member" "agents" {
  for_each = toset([
    "serviceAccount:service-${data.google_project.this.number}@serverless-robot-prod.iam.gserviceaccount.com",
    "serviceAccount:service-${data.google_project.this.number}@gcp-sa-secretmanager.iam.gserviceaccount.com",
  ])
  crypto_key_id = google_kms_crypto_key.this.id
  role          = "roles/cloudkms.cryptoKeyEncrypterDecrypter"
  member        = each.key
}

module "notification" {
  source              = "../cloud-run"
  name                = "notification-service"
  project_id          = var.project_id
  region              = var.region
  image               = var.notification_image
  port                = 3008
  min_instances       = var.notification_min_instances
  max_instances       = var.notification_max_instances
  invoker_members     = var.notification_invokers
  kms_key_name        = google_kms_crypto_key.this.id
  deletion_protection = var.deletion_protection
  labels              = local.labels
  env = {
    LOG_LEVEL = "info"
  }
  secret_env = {
    SENDGRID_API_KEY   = "notification-sendgrid-api-key"
    TWILIO_AUTH_TOKEN  = "notification-twilio-auth-token"
    TWILIO_ACCOUNT_SID = "notification-twilio-account-sid"
  }

  depends_on = [google_kms_crypto_key_iam_member.agents]
}
