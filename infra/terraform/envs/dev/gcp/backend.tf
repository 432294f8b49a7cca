# State in a GCS bucket (versioned; GCS locks natively). Partial configuration: the bucket is the project's, given
# at init time (see docs/infrastructure-as-code.md):
#   tofu init -backend-config="bucket=<state bucket>"
terraform {
  backend "gcs" {
    prefix = "dev/gcp"
  }
}
