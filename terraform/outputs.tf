output "provisioning_mode" {
  description = "The active mode: terraform_native, bootstrap, manual, or none (no credential set; the published module said manual)."
  value       = local.mode
}

output "vault_id" {
  description = "The vault the workspace's agent uses: found or created at apply in Terraform-native mode, else vault_id (empty in bootstrap mode without vault_id: the vault is resolved inside the workspace)."
  value       = local.vault_id
}

output "agent_id_1claw" {
  description = "The 1Claw agent's UUID: created at apply in Terraform-native mode, else agent_id_1claw."
  value       = local.agent_id
}

output "scoped_token" {
  description = "Terraform-native mode: the agent's ocv_ API key (empty in the other modes)."
  value       = local.mode == "terraform_native" ? one(module.provision[*].agent_api_key) : ""
  sensitive   = true
}

output "mcp_config_path" {
  description = "Cursor's MCP config file (cursor_config_path), as in the published module."
  value       = var.cursor_config_path
}

output "claude_config_path" {
  description = "The Claude Code config the 1Claw entry goes to (empty when install_claude_config is false)."
  value       = var.install_claude_config ? (local.claude_config_path != "" ? local.claude_config_path : "$HOME/.claude.json") : ""
}

output "claude_code_mcp" {
  description = "For the claude-code module's mcp input: the 1Claw server as the start script registers it — the headers helper it installs ($HOME expands when Claude Code runs it) and X-Vault-ID when the vault is known here; never a key. The start script treats this entry as its own."
  value = jsonencode({ mcpServers = { (var.mcp_server_name) = merge(
    { type = "http", url = local.mcp_url, headersHelper = local.helper },
    local.vault_id != "" ? { headers = { "X-Vault-ID" = local.vault_id } } : {},
  ) } })
}

output "codex_mcp" {
  description = "For the codex module's MCP (TOML) input: the 1Claw server as the start script registers it for Codex — the key by reference to ONECLAW_AGENT_API_KEY (bearer_token_env_var) and X-Vault-ID; never a key. Empty in bootstrap and none modes, where the key is not in the environment."
  value = contains(["terraform_native", "manual"], local.mode) ? join("\n", [
    "[mcp_servers.${var.mcp_server_name}]",
    "url = ${jsonencode(local.mcp_url)}",
    "bearer_token_env_var = \"ONECLAW_AGENT_API_KEY\"",
    "http_headers = { \"X-Vault-ID\" = ${jsonencode(local.vault_id)} }",
    "",
  ]) : ""
}

output "headers_helper_path" {
  description = "The Claude Code headers helper the start script installs (a shell command; $HOME expands when Claude Code runs it)."
  value       = local.helper
}

output "cache_path" {
  description = "The agent cache shared with the 1Claw extension ({vault_id, agent_id, agent_api_key}, 0600)."
  value       = "$HOME/.1claw/agent.json"
}

output "module_directory" {
  description = "Where the start script keeps its files (the CLI, its config, logs/)."
  value       = "$HOME/${local.module_directory}"
}

output "scripts" {
  description = "The coder exp sync name of this module's start script, for modules that must run after it."
  value       = [local.sync_name]
}
