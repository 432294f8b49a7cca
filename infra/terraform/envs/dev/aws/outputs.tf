output "stack" {
  description = "The stack's outputs, one object (modules/stack-aws/outputs.tf): tofu output -json stack."
  value       = module.stack
}
