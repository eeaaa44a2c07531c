output "vault_id" {
  description = "UUID of the vault the agent is bound to."
  value       = terraform_data.vault.triggers_replace.vault_id
}

output "agent_id" {
  description = "UUID of the created agent."
  value       = terraform_data.agent.triggers_replace.agent_id
}

output "agent_api_key" {
  description = "The agent's ocv_ API key (also in Terraform state, marked sensitive)."
  value       = terraform_data.agent.triggers_replace.agent_api_key
  sensitive   = true
}

output "policy_id" {
  description = "UUID of the policy granting the agent access."
  value       = terraform_data.policy.triggers_replace.policy_id
}
