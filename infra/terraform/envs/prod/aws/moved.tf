# Where the resources were before the stack module: these blocks move them in the state at the next plan, nothing is
# destroyed or re-created. They can go once every state of this root has been applied with them.
moved {
  from = aws_kms_key.primary
  to   = module.stack.aws_kms_key.primary
}

moved {
  from = aws_kms_alias.primary
  to   = module.stack.aws_kms_alias.primary
}

moved {
  from = aws_kms_key.dr
  to   = module.stack.aws_kms_key.dr
}

moved {
  from = aws_kms_alias.dr
  to   = module.stack.aws_kms_alias.dr
}

moved {
  from = module.vpc
  to   = module.stack.module.vpc
}

moved {
  from = module.eks
  to   = module.stack.module.eks
}

moved {
  from = module.rds
  to   = module.stack.module.rds
}

moved {
  from = module.msk
  to   = module.stack.module.msk
}

moved {
  from = module.elasticache
  to   = module.stack.module.elasticache
}

moved {
  from = module.lake
  to   = module.stack.module.lake
}

moved {
  from = module.monitoring
  to   = module.stack.module.monitoring
}
