# Where the resources were before the stack module: these blocks move them in the state at the next plan, nothing is
# destroyed or re-created. They can go once every state of this root has been applied with them.
moved {
  from = google_kms_key_ring.this
  to   = module.stack.google_kms_key_ring.this
}

moved {
  from = google_kms_crypto_key.this
  to   = module.stack.google_kms_crypto_key.this
}

moved {
  from = google_kms_crypto_key_iam_member.agents
  to   = module.stack.google_kms_crypto_key_iam_member.agents
}

moved {
  from = module.notification
  to   = module.stack.module.notification
}
