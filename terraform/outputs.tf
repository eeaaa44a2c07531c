output "provisioning_mode" {
  description = "The active mode: terraform_native, bootstrap, manual, or none (no credential set)."
  value       = local.mode
}

output "vault_id" {
  description = "The vault the workspace's agent uses: created or found at apply in Terraform-native mode, else vault_id (empty in bootstrap mode without vault_id: the vault is resolved inside the workspace)."
  value       = local.vault_id
}

output "agent_id_1claw" {
  description = "The 1Claw agent's UUID: created at apply in Terraform-native mode, else agent_id_1claw."
  value       = local.agent_id
}

output "scoped_token" {
  description = "Terraform-native mode: the agent's ocv_ API key (empty in the other modes)."
  value       = local.terraform_native ? one(module.provision[*].agent_api_key) : ""
  sensitive   = true
}

output "mcp_config_path" {
  description = "The Cursor MCP config the start script writes (empty when install_cursor_config is false)."
  value       = var.install_cursor_config ? var.cursor_config_path : ""
}

output "claude_config_path" {
  description = "The Claude Code config the start script writes (empty when install_claude_config is false)."
  value       = var.install_claude_config ? (var.claude_config_path != "" ? var.claude_config_path : "$HOME/.claude.json") : ""
}

output "headers_helper_path" {
  description = "Where the start script installs the MCP headers helper that Claude Code's headersHelper runs."
  value       = "$HOME/.1claw/bin/oneclaw-mcp-headers"
}

output "cache_path" {
  description = "The bootstrap cache shared with the 1Claw extension ({vault_id, agent_id, agent_api_key}, 0600)."
  value       = "$HOME/.1claw/agent.json"
}
