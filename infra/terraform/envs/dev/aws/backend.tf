# State in S3 (versioned, KMS-encrypted), locked in DynamoDB. Partial configuration: the bucket is the account's,
# given at init time (see docs/infrastructure-as-code.md):
#   tofu init -backend-config="bucket=<state bucket>"
terraform {
  backend "s3" {
    key            = "dev/aws.tfstate"
    region         = "us-east-1"
    encrypt        = true
    dynamodb_table = "platform-terraform-locks"
  }
}
