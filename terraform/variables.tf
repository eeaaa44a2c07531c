# Inputs of the 1Claw Coder module. Which credential is set selects the mode (see README "Modes").
#
# No validation block refers to a sensitive variable: when a validation fails, Terraform prints
# the value of every variable its condition refers to, sensitive or not (seen with 1.11), which
# would put a mistyped key into the Coder build log. The keys' format and the rules that combine
# inputs (one credential only, api_token needs vault_id, ...) are preconditions of
# coder_script.oneclaw in main.tf instead, where the keys stay marked sensitive.

variable "agent_id" {
  type        = string
  description = "The ID of the Coder agent (coder_agent.<name>.id) that receives the environment and the start script."

  validation {
    condition     = trimspace(var.agent_id) != ""
    error_message = "agent_id must be the id of a coder_agent, e.g. coder_agent.main.id."
  }
}

# ---- Terraform-native mode -------------------------------------------------------------------

variable "master_api_key" {
  type        = string
  default     = ""
  sensitive   = true
  description = "Terraform-native mode: a human 1Claw API key (1ck_). At apply, before the workspace starts, the module creates or reuses the vault, creates this workspace's agent and its policy, and injects the agent's credentials with coder_env. Destroy deletes the agent."
}

variable "token_ttl_hours" {
  type        = number
  default     = 8
  description = "Lifetime in hours of the JWTs the created agent gets (token_ttl_seconds on the agent), in Terraform-native and bootstrap modes. 0 uses the 1Claw default (1 hour)."

  validation {
    condition     = var.token_ttl_hours == 0 || (var.token_ttl_hours >= 0.25 && var.token_ttl_hours <= 720)
    error_message = "token_ttl_hours must be 0 (1Claw default) or between 0.25 (15 minutes) and 720 (30 days)."
  }
}

variable "auto_destroy_vault" {
  type        = bool
  default     = false
  description = "Terraform-native mode: when the workspace is deleted, also delete the vault, but only if this workspace created it. The agent is always deleted."
}

variable "provision_vault_name" {
  type        = string
  default     = ""
  description = "Terraform-native mode: name of the vault to reuse or create. Empty means coder-<owner>-<workspace>. Ignored when vault_id is set."

  validation {
    condition     = var.provision_vault_name == "" || can(regex("^[A-Za-z0-9][A-Za-z0-9 ._@+:-]{0,99}$", var.provision_vault_name))
    error_message = "provision_vault_name must be 1-100 characters: letters, digits, space and . _ @ + : -, starting with a letter or digit."
  }
}

variable "provision_agent_name" {
  type        = string
  default     = ""
  description = "Terraform-native mode: name of the agent to create. Empty means coder-<owner>-<workspace>."

  validation {
    condition     = var.provision_agent_name == "" || can(regex("^[A-Za-z0-9][A-Za-z0-9 ._@+:-]{0,99}$", var.provision_agent_name))
    error_message = "provision_agent_name must be 1-100 characters: letters, digits, space and . _ @ + : -, starting with a letter or digit."
  }
}

variable "provision_policy_path" {
  type        = string
  default     = "**"
  description = "Terraform-native mode: secret path pattern the agent's policy grants (* one segment, ** any depth). Narrow it where you can, e.g. coder/**."

  validation {
    condition     = can(regex("^[A-Za-z0-9_*-]+(/[A-Za-z0-9_*-]+)*$", var.provision_policy_path))
    error_message = "provision_policy_path must be a secret path pattern such as ** or team/app/*: segments of letters, digits, _ - * separated by /, no leading or trailing /."
  }
}

variable "store_master_key_for_destroy" {
  type        = bool
  default     = false
  description = "Terraform-native mode: keep master_api_key (marked sensitive) in Terraform state, captured when the agent is created, so that deleting the workspace can delete the agent without the destroy_key_env variable. Off by default: see README \"Security\"."
}

variable "destroy_key_env" {
  type        = string
  default     = "ONECLAW_MASTER_API_KEY"
  description = "Terraform-native mode: environment variable of the Terraform process (the Coder provisioner) that holds a 1ck_ key when the workspace is deleted; used to delete the agent."

  validation {
    condition     = can(regex("^[A-Za-z_][A-Za-z0-9_]*$", var.destroy_key_env))
    error_message = "destroy_key_env must be an environment variable name (letters, digits, _)."
  }
}

# ---- bootstrap mode --------------------------------------------------------------------------

variable "human_api_key" {
  type        = string
  default     = ""
  sensitive   = true
  description = "Bootstrap mode: a human 1Claw API key (1ck_), passed to the workspace only as the sensitive coder_env _ONECLAW_HUMAN_API_KEY. On first start a blocking script creates the vault, agent and policy and caches the agent key in ~/.1claw/agent.json (0600); later starts reuse the cache."
}

variable "bootstrap_vault_name" {
  type        = string
  default     = "coder-workspace"
  description = "Bootstrap mode: name of the vault to reuse or create. Ignored when vault_id is set."

  validation {
    condition     = can(regex("^[A-Za-z0-9][A-Za-z0-9 ._@+:-]{0,99}$", var.bootstrap_vault_name))
    error_message = "bootstrap_vault_name must be 1-100 characters: letters, digits, space and . _ @ + : -, starting with a letter or digit."
  }
}

variable "bootstrap_agent_name" {
  type        = string
  default     = ""
  description = "Bootstrap mode: name of the agent to create. Empty means coder-<owner>-<workspace>."

  validation {
    condition     = var.bootstrap_agent_name == "" || can(regex("^[A-Za-z0-9][A-Za-z0-9 ._@+:-]{0,99}$", var.bootstrap_agent_name))
    error_message = "bootstrap_agent_name must be 1-100 characters: letters, digits, space and . _ @ + : -, starting with a letter or digit."
  }
}

variable "bootstrap_policy_path" {
  type        = string
  default     = "**"
  description = "Bootstrap mode: secret path pattern the agent's policy grants (* one segment, ** any depth)."

  validation {
    condition     = can(regex("^[A-Za-z0-9_*-]+(/[A-Za-z0-9_*-]+)*$", var.bootstrap_policy_path))
    error_message = "bootstrap_policy_path must be a secret path pattern such as ** or team/app/*: segments of letters, digits, _ - * separated by /, no leading or trailing /."
  }
}

variable "policy_permissions" {
  type        = list(string)
  default     = ["read"]
  description = "Terraform-native and bootstrap modes: permissions of the agent's policy. Read-only by default; add write (and delete) only if agents must change secrets."

  validation {
    condition     = length(var.policy_permissions) > 0 && length(distinct(var.policy_permissions)) == length(var.policy_permissions) && alltrue([for p in var.policy_permissions : contains(["read", "write", "delete"], p)])
    error_message = "policy_permissions must be a non-empty list of distinct values among read, write and delete."
  }
}

# ---- manual mode -----------------------------------------------------------------------------

variable "vault_id" {
  type        = string
  default     = ""
  description = "UUID of an existing vault. Required in manual mode; in the other modes it replaces the find-or-create-by-name step."

  validation {
    condition     = var.vault_id == "" || can(regex("^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$", var.vault_id))
    error_message = "vault_id must be a UUID such as 0b7f6d2e-3c1a-4d5e-9f00-1a2b3c4d5e6f, or empty."
  }
}

variable "api_token" {
  type        = string
  default     = ""
  sensitive   = true
  description = "Manual mode: the agent's API key (ocv_), injected as ONECLAW_AGENT_API_KEY. Requires vault_id."
}

variable "agent_id_1claw" {
  type        = string
  default     = ""
  description = "Manual mode, optional: the 1Claw agent's UUID, injected as ONECLAW_AGENT_ID."

  validation {
    condition     = var.agent_id_1claw == "" || can(regex("^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$", var.agent_id_1claw))
    error_message = "agent_id_1claw must be a UUID, or empty."
  }
}

# ---- endpoints and MCP clients ---------------------------------------------------------------

variable "base_url" {
  type        = string
  default     = "https://api.1claw.xyz"
  description = "1Claw API base URL, injected as ONECLAW_BASE_URL. Must be https (http only for localhost)."

  validation {
    condition     = can(regex("^https://[A-Za-z0-9.-]+(:[0-9]{1,5})?(/[^\\s\"'\\\\`$]*)?$", var.base_url)) || can(regex("^http://(127\\.0\\.0\\.1|localhost|\\[::1\\])(:[0-9]{1,5})?(/[^\\s\"'\\\\`$]*)?$", var.base_url))
    error_message = "base_url must be an https URL such as https://api.1claw.xyz (plain http is accepted only for 127.0.0.1, localhost or [::1])."
  }
}

variable "mcp_host" {
  type        = string
  default     = "https://mcp.1claw.xyz/mcp"
  description = "URL of the 1Claw MCP server, injected as ONECLAW_MCP_URL and written into the MCP client configs. Must be https (http only for localhost)."

  validation {
    condition     = can(regex("^https://[A-Za-z0-9.-]+(:[0-9]{1,5})?(/[^\\s\"'\\\\`$]*)?$", var.mcp_host)) || can(regex("^http://(127\\.0\\.0\\.1|localhost|\\[::1\\])(:[0-9]{1,5})?(/[^\\s\"'\\\\`$]*)?$", var.mcp_host))
    error_message = "mcp_host must be an https URL such as https://mcp.1claw.xyz/mcp (plain http is accepted only for 127.0.0.1, localhost or [::1])."
  }
}

variable "mcp_server_name" {
  type        = string
  default     = "1claw"
  description = "Name of the entry under mcpServers in the Cursor and Claude Code configs (the extension uses the same default)."

  validation {
    condition     = can(regex("^[A-Za-z0-9_-]{1,64}$", var.mcp_server_name))
    error_message = "mcp_server_name must be 1-64 letters, digits, '_' or '-'."
  }
}

variable "install_cursor_config" {
  type        = bool
  default     = true
  description = "Write the 1Claw server into Cursor's MCP config (cursor_config_path)."
}

variable "install_claude_config" {
  type        = bool
  default     = true
  description = "Write the 1Claw server into Claude Code's user config (claude_config_path)."
}

variable "cursor_config_path" {
  type        = string
  default     = "$HOME/.cursor/mcp.json"
  description = "Cursor's global MCP config file. May start with $HOME/ or ~/."

  validation {
    condition     = can(regex("^(\\$HOME/|~/|/)[^\\x00-\\x1f\"'\\\\`$]+$", var.cursor_config_path))
    error_message = "cursor_config_path must be an absolute path or start with $HOME/ or ~/, without quotes, backslashes or other $ expansions."
  }
}

variable "claude_config_path" {
  type        = string
  default     = ""
  description = "Claude Code's user config file. Empty means $CLAUDE_CONFIG_DIR/.claude.json, else $HOME/.claude.json, as Claude Code itself resolves it. May start with $HOME/ or ~/."

  validation {
    condition     = var.claude_config_path == "" || can(regex("^(\\$HOME/|~/|/)[^\\x00-\\x1f\"'\\\\`$]+$", var.claude_config_path))
    error_message = "claude_config_path must be empty, an absolute path, or start with $HOME/ or ~/, without quotes, backslashes or other $ expansions."
  }
  validation {
    condition     = !endswith(var.claude_config_path, ".config/claude/mcp.json")
    error_message = "Claude Code does not read ~/.config/claude/mcp.json (the published module's default). Leave claude_config_path empty to use ~/.claude.json."
  }
}

variable "claude_config_style" {
  type        = string
  default     = "fresh"
  description = "Claude Code entry: fresh (no credential in the file; headersHelper fetches a short-lived JWT per connection) or static (Authorization: Bearer <ocv_ key> in the 0600 file)."

  validation {
    condition     = contains(["fresh", "static"], var.claude_config_style)
    error_message = "claude_config_style must be fresh or static."
  }
}

# ---- the extension ---------------------------------------------------------------------------

variable "extension_vsix" {
  type        = string
  default     = ""
  description = "The 1Claw extension (.vsix) to install into code-server / VS Code Server at workspace start: a path in the workspace ($HOME/ or ~/ allowed) or an https URL. Empty installs nothing."

  validation {
    condition = (
      var.extension_vsix == "" ||
      can(regex("^(\\$HOME/|~/|/)[^\\x00-\\x1f\"'\\\\`$]+$", var.extension_vsix)) ||
      can(regex("^https://[A-Za-z0-9.-]+(:[0-9]{1,5})?/[^\\s\"'\\\\`$]*$", var.extension_vsix)) ||
      can(regex("^http://(127\\.0\\.0\\.1|localhost|\\[::1\\])(:[0-9]{1,5})?/[^\\s\"'\\\\`$]*$", var.extension_vsix))
    )
    error_message = "extension_vsix must be empty, a path (absolute, $HOME/ or ~/) or an https URL."
  }
}

variable "extension_vsix_sha256" {
  type        = string
  default     = ""
  description = "Optional SHA-256 (hex) the .vsix must match; recommended when extension_vsix is a URL."

  validation {
    condition     = var.extension_vsix_sha256 == "" || can(regex("^[0-9a-fA-F]{64}$", var.extension_vsix_sha256))
    error_message = "extension_vsix_sha256 must be 64 hexadecimal characters, or empty."
  }
}

variable "extension_install_wait_seconds" {
  type        = number
  default     = 120
  description = "When no editor is installed yet at workspace start, keep waiting for one in the background for this many seconds (0: do not wait)."

  validation {
    condition     = var.extension_install_wait_seconds >= 0 && var.extension_install_wait_seconds <= 1800 && floor(var.extension_install_wait_seconds) == var.extension_install_wait_seconds
    error_message = "extension_install_wait_seconds must be a whole number between 0 and 1800."
  }
}

# ---- presentation ----------------------------------------------------------------------------

variable "icon" {
  type        = string
  default     = "/icon/vault.svg"
  description = "Icon of the start script in the Coder UI."

  validation {
    condition     = trimspace(var.icon) != ""
    error_message = "icon must not be empty."
  }
}

variable "order" {
  type        = number
  default     = null
  description = "Accepted for compatibility with kmjones1979/oneclaw. coder_script has no ordering attribute, so it has no effect."
}
