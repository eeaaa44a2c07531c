# Inputs of the 1Claw Coder module. Which credential is set selects the mode (README "Modes").
# Attribute order follows the Coder registry: description, type, default, validation, sensitive.
#
# No validation block refers to a sensitive variable: when a validation fails, Terraform prints
# the value of every variable its condition refers to, sensitive or not (seen with 1.11), which
# would put a mistyped key into the Coder build log. The keys' format and the rules that combine
# inputs are preconditions of coder_script.oneclaw in main.tf instead.

variable "agent_id" {
  description = "The ID of the Coder agent (coder_agent.<name>.id) that receives the environment and the start script."
  type        = string

  validation {
    condition     = trimspace(var.agent_id) != ""
    error_message = "agent_id must be the id of a coder_agent, e.g. coder_agent.main.id."
  }
}

# ---- Terraform-native mode -------------------------------------------------------------------

variable "master_api_key" {
  description = "Terraform-native mode: a human 1Claw API key (1ck_). At apply, before the workspace starts, the module finds or creates the vault, creates this workspace's agent and its policy, and injects the agent's credentials with coder_env. Destroy deletes the agent."
  type        = string
  default     = ""
  sensitive   = true
}

variable "token_ttl_hours" {
  description = "Lifetime in hours of the JWTs the created agent gets (token_ttl_seconds on the agent), in Terraform-native and bootstrap modes, up to 720 (30 days, the most the oneclaw CLI accepts; the API sets no bound). Below a minute means a minute. 0 uses the 1Claw default."
  type        = number
  default     = 8

  validation {
    condition     = var.token_ttl_hours >= 0 && var.token_ttl_hours <= 720
    error_message = "token_ttl_hours must be between 0 (1Claw default) and 720 (30 days)."
  }
}

variable "auto_destroy_vault" {
  description = "Terraform-native mode: when the workspace is deleted, also delete the vault, but only if this workspace created it. The agent is always deleted."
  type        = bool
  default     = false
}

variable "provision_vault_name" {
  description = "Terraform-native mode: name of the vault to reuse or create. Empty means coder-<owner>-<workspace>. Ignored when vault_id is set."
  type        = string
  default     = ""

  validation {
    condition     = var.provision_vault_name == "" || can(regex("^[A-Za-z0-9][A-Za-z0-9 ._@+:-]{0,99}$", var.provision_vault_name))
    error_message = "provision_vault_name must be 1-100 characters: letters, digits, space and . _ @ + : -, starting with a letter or digit."
  }
}

variable "provision_agent_name" {
  description = "Terraform-native mode: name of the agent to create. Empty means coder-<owner>-<workspace> (cut to 64 characters)."
  type        = string
  default     = ""

  validation {
    condition     = var.provision_agent_name == "" || can(regex("^[A-Za-z0-9][A-Za-z0-9 ._@+:-]{0,63}$", var.provision_agent_name))
    error_message = "provision_agent_name must be 1-64 characters: letters, digits, space and . _ @ + : -, starting with a letter or digit."
  }
}

variable "provision_policy_path" {
  description = "Terraform-native mode: secret path pattern the agent's policy grants (* one segment, ** any depth). Narrow it where you can, e.g. coder/**."
  type        = string
  default     = "**"

  validation {
    condition     = can(regex("^[A-Za-z0-9_*-]+(/[A-Za-z0-9_*-]+)*$", var.provision_policy_path))
    error_message = "provision_policy_path must be a secret path pattern such as ** or team/app/*: segments of letters, digits, _ - * separated by /, no leading or trailing /."
  }
}

variable "store_master_key_for_destroy" {
  description = "Terraform-native mode: keep master_api_key (marked sensitive) in Terraform state, captured when the agent is created, so that deleting the workspace can delete the agent without the destroy_key_env variable. Off by default: see README \"Security\"."
  type        = bool
  default     = false
}

variable "destroy_key_env" {
  description = "Terraform-native mode: environment variable of the Terraform process (the Coder provisioner) that holds a 1ck_ key when the workspace is deleted; used to delete the agent."
  type        = string
  default     = "ONECLAW_MASTER_API_KEY"

  validation {
    condition     = can(regex("^[A-Za-z_][A-Za-z0-9_]*$", var.destroy_key_env))
    error_message = "destroy_key_env must be an environment variable name (letters, digits, _)."
  }
}

variable "retry_budget_seconds" {
  description = "Terraform-native mode and the bootstrap key exchange: how long one provisioning step keeps retrying rate limits and outages (full-jitter backoff, Retry-After honoured) before the build fails. A 1,000-workspace fleet rebuilt at once needs the default or more."
  type        = number
  default     = 600

  validation {
    condition     = var.retry_budget_seconds >= 10 && var.retry_budget_seconds <= 7200
    error_message = "retry_budget_seconds must be between 10 and 7200."
  }
}

# ---- bootstrap mode --------------------------------------------------------------------------

variable "bootstrap" {
  description = "Bootstrap mode without a human key: on first start the workspace enrols itself after the user approves a device sign-in (code and URL in the start-up log). Setting human_api_key also selects bootstrap mode."
  type        = bool
  default     = false
}

variable "human_api_key" {
  description = "Bootstrap mode: a human 1Claw API key (1ck_). It never reaches the workspace: when the workspace is created, the provisioner exchanges it once for a short-lived session, which the first start uses to enrol and then revokes."
  type        = string
  default     = ""
  sensitive   = true
}

variable "human_api_key_secret_env" {
  description = "Bootstrap mode: take the human key from the Coder user secret that injects this environment variable (data \"coder_secret\"; Coder >= 2.16 provider). Coder itself injects that secret into the user's workspaces: see README \"Security\"."
  type        = string
  default     = ""

  validation {
    condition     = var.human_api_key_secret_env == "" || can(regex("^[A-Za-z_][A-Za-z0-9_]*$", var.human_api_key_secret_env))
    error_message = "human_api_key_secret_env must be an environment variable name, or empty."
  }
}

variable "device_sign_in_wait_seconds" {
  description = "Bootstrap mode: how long the start script waits for the user to approve the device sign-in. 0 turns device sign-in off (bootstrap then needs human_api_key)."
  type        = number
  default     = 600

  validation {
    condition     = var.device_sign_in_wait_seconds >= 0 && var.device_sign_in_wait_seconds <= 3600 && floor(var.device_sign_in_wait_seconds) == var.device_sign_in_wait_seconds
    error_message = "device_sign_in_wait_seconds must be a whole number between 0 and 3600."
  }
}

variable "bootstrap_vault_name" {
  description = "Bootstrap mode: name of the vault to reuse or create. Ignored when vault_id is set."
  type        = string
  default     = "coder-workspace"

  validation {
    condition     = can(regex("^[A-Za-z0-9][A-Za-z0-9 ._@+:-]{0,99}$", var.bootstrap_vault_name))
    error_message = "bootstrap_vault_name must be 1-100 characters: letters, digits, space and . _ @ + : -, starting with a letter or digit."
  }
}

variable "bootstrap_agent_name" {
  description = "Bootstrap mode: name of the agent to create. Empty means coder-<owner>-<workspace> (cut to 64 characters)."
  type        = string
  default     = ""

  validation {
    condition     = var.bootstrap_agent_name == "" || can(regex("^[A-Za-z0-9][A-Za-z0-9 ._@+:-]{0,63}$", var.bootstrap_agent_name))
    error_message = "bootstrap_agent_name must be 1-64 characters: letters, digits, space and . _ @ + : -, starting with a letter or digit."
  }
}

variable "bootstrap_policy_path" {
  description = "Bootstrap mode: secret path pattern the agent's policy grants (* one segment, ** any depth)."
  type        = string
  default     = "**"

  validation {
    condition     = can(regex("^[A-Za-z0-9_*-]+(/[A-Za-z0-9_*-]+)*$", var.bootstrap_policy_path))
    error_message = "bootstrap_policy_path must be a secret path pattern such as ** or team/app/*: segments of letters, digits, _ - * separated by /, no leading or trailing /."
  }
}

variable "policy_permissions" {
  description = "Terraform-native and bootstrap modes: permissions of the agent's policy. Read-only by default (the published module granted read and write); add write only if agents must change secrets."
  type        = list(string)
  default     = ["read"]

  validation {
    condition     = length(var.policy_permissions) > 0 && length(distinct(var.policy_permissions)) == length(var.policy_permissions) && alltrue([for p in var.policy_permissions : contains(["read", "write"], p)])
    error_message = "policy_permissions must be a non-empty list of distinct values among read and write."
  }
}

# ---- manual mode -----------------------------------------------------------------------------

variable "vault_id" {
  description = "UUID of an existing vault. Required in manual mode; in the other modes it replaces the find-or-create-by-name step."
  type        = string
  default     = ""

  validation {
    condition     = var.vault_id == "" || can(regex("^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$", var.vault_id))
    error_message = "vault_id must be a UUID such as 0b7f6d2e-3c1a-4d5e-9f00-1a2b3c4d5e6f, or empty."
  }
}

variable "api_token" {
  description = "Manual mode: the agent's API key (ocv_), injected as ONECLAW_AGENT_API_KEY. Requires vault_id."
  type        = string
  default     = ""
  sensitive   = true
}

variable "api_token_secret_env" {
  description = "Manual mode: take the agent key (ocv_) from the Coder user secret that injects this environment variable (data \"coder_secret\"). Requires vault_id."
  type        = string
  default     = ""

  validation {
    condition     = var.api_token_secret_env == "" || can(regex("^[A-Za-z_][A-Za-z0-9_]*$", var.api_token_secret_env))
    error_message = "api_token_secret_env must be an environment variable name, or empty."
  }
}

variable "agent_id_1claw" {
  description = "Manual mode, optional: the 1Claw agent's UUID, injected as ONECLAW_AGENT_ID."
  type        = string
  default     = ""

  validation {
    condition     = var.agent_id_1claw == "" || can(regex("^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$", var.agent_id_1claw))
    error_message = "agent_id_1claw must be a UUID, or empty."
  }
}

# ---- endpoints and MCP clients ---------------------------------------------------------------

variable "base_url" {
  description = "1Claw API base URL, injected as ONECLAW_BASE_URL. Must be https (http only for localhost), without user info. The published module's https://api.1claw.xyz still works: both domains route the same."
  type        = string
  default     = "https://api.1claw.co"

  validation {
    condition     = can(regex("^(https://[A-Za-z0-9.-]+|http://(127\\.0\\.0\\.1|localhost|\\[::1\\]))(:[0-9]{1,5})?(/[^\\s\"'\\\\`$@]*)?$", var.base_url))
    error_message = "base_url must be an https URL such as https://api.1claw.co, without user info (plain http is accepted only for 127.0.0.1, localhost or [::1])."
  }
}

variable "mcp_host" {
  description = "URL of the 1Claw MCP server, injected as ONECLAW_MCP_URL and registered with the MCP clients. Empty (the default) follows base_url's 1Claw domain, as the 1Claw extension does: https://mcp.1claw.co/mcp for api.1claw.co, https://mcp.1claw.xyz/mcp for api.1claw.xyz, https://mcp.1claw.co/mcp for any other API. Must be https (http only for localhost), without user info."
  type        = string
  default     = ""

  validation {
    condition     = var.mcp_host == "" || can(regex("^(https://[A-Za-z0-9.-]+|http://(127\\.0\\.0\\.1|localhost|\\[::1\\]))(:[0-9]{1,5})?(/[^\\s\"'\\\\`$@]*)?$", var.mcp_host))
    error_message = "mcp_host must be empty (follow base_url) or an https URL such as https://mcp.1claw.co/mcp, without user info (plain http is accepted only for 127.0.0.1, localhost or [::1])."
  }
}

variable "mcp_server_name" {
  description = "Name of the 1Claw entry in the MCP clients' configs (the extension uses the same default)."
  type        = string
  default     = "1claw"

  validation {
    condition     = can(regex("^[A-Za-z0-9_-]{1,64}$", var.mcp_server_name))
    error_message = "mcp_server_name must be 1-64 letters, digits, '_' or '-'."
  }
}

variable "install_cursor_config" {
  description = "Register the 1Claw server in Cursor's MCP config (cursor_config_path) even where Cursor is not installed yet: this forces the client on and creates its config file. false leaves Cursor alone, even with clients = [\"all\"]. In bootstrap mode with the fresh credential style the key is not in the environment for Cursor's entry to reference, so Cursor is left to the 1Claw extension."
  type        = bool
  default     = true
}

variable "install_claude_config" {
  description = "Register the 1Claw server with Claude Code (user scope) even where Claude Code is not installed yet: this forces the client on. false leaves Claude Code alone, even with clients = [\"all\"]."
  type        = bool
  default     = true
}

variable "clients" {
  description = "AI clients the start script registers the 1Claw MCP server with, by id: claude-code, codex, gemini, copilot, opencode, qwen, continue, kilo, cursor, windsurf, kiro, zed, antigravity, vscode, or all. A named client is registered even if it is not installed yet (another module may install it later); all adds every client present in the workspace (its binary on PATH or its config directory exists) and creates nothing for the others. vscode is the 1Claw extension's own registration inside the editor: nothing for the start script to write."
  type        = list(string)
  default     = ["all"]

  validation {
    condition     = alltrue([for c in var.clients : contains(["claude-code", "codex", "gemini", "copilot", "opencode", "qwen", "continue", "kilo", "cursor", "windsurf", "kiro", "zed", "antigravity", "vscode", "all"], c)])
    error_message = "clients must be ids among claude-code, codex, gemini, copilot, opencode, qwen, continue, kilo, cursor, windsurf, kiro, zed, antigravity, vscode and all."
  }
}

variable "cursor_config_path" {
  description = "Cursor's global MCP config file: where the start script writes Cursor's entry (and revoke removes it). May start with $HOME/ or ~/."
  type        = string
  default     = "$HOME/.cursor/mcp.json"

  validation {
    condition     = can(regex("^(\\$HOME/|~/|/)[^\\x00-\\x1f\"'\\\\`$]+$", var.cursor_config_path))
    error_message = "cursor_config_path must be an absolute path or start with $HOME/ or ~/, without quotes, backslashes or other $ expansions."
  }
}

variable "claude_config_path" {
  description = "Claude Code's user config, where the start script writes the entry (and revoke removes it). Empty means where Claude Code reads it ($CLAUDE_CONFIG_DIR/.claude.json, else ~/.claude.json). The published module's default, $HOME/.config/claude/mcp.json, is a file Claude Code never reads: it is treated as empty."
  type        = string
  default     = ""

  validation {
    condition     = var.claude_config_path == "" || can(regex("^(\\$HOME/|~/|/)[^\\x00-\\x1f\"'\\\\`$]+$", var.claude_config_path))
    error_message = "claude_config_path must be empty, an absolute path, or start with $HOME/ or ~/, without quotes, backslashes or other $ expansions."
  }
}

variable "credential_style" {
  description = "How MCP clients authenticate: fresh (no key in any config file: a headers helper or an environment reference fetches a short-lived token) or static (the ocv_ key in the 0600 config files)."
  type        = string
  default     = "fresh"

  validation {
    condition     = contains(["fresh", "static"], var.credential_style)
    error_message = "credential_style must be fresh or static."
  }
}

# ---- the workspace start script ----------------------------------------------------------------

variable "node_wait_seconds" {
  description = "How long the start script waits for Node.js >= 18 (on PATH, or shipped by code-server, VS Code Server/Web, Cursor or Windsurf) when an editor module is still installing it."
  type        = number
  default     = 120

  validation {
    condition     = var.node_wait_seconds >= 0 && var.node_wait_seconds <= 1800 && floor(var.node_wait_seconds) == var.node_wait_seconds
    error_message = "node_wait_seconds must be a whole number between 0 and 1800."
  }
}

variable "extension_vsix" {
  description = "The 1Claw extension (.vsix) to install into code-server, VS Code Server/Web, Cursor or Windsurf at workspace start: a path in the workspace ($HOME/ or ~/ allowed) or an https URL (then extension_vsix_sha256 is required). Empty installs nothing."
  type        = string
  default     = ""

  validation {
    condition = (
      var.extension_vsix == "" ||
      can(regex("^(\\$HOME/|~/|/)[^\\x00-\\x1f\"'\\\\`$]+$", var.extension_vsix)) ||
      can(regex("^(https://[A-Za-z0-9.-]+|http://(127\\.0\\.0\\.1|localhost|\\[::1\\]))(:[0-9]{1,5})?/[^\\s\"'\\\\`$@]*$", var.extension_vsix))
    )
    error_message = "extension_vsix must be empty, a path (absolute, $HOME/ or ~/) or an https URL without user info."
  }
}

variable "extension_vsix_sha256" {
  description = "SHA-256 (hex) the .vsix must match. Required when extension_vsix is a URL."
  type        = string
  default     = ""

  validation {
    condition     = var.extension_vsix_sha256 == "" || can(regex("^[0-9a-fA-F]{64}$", var.extension_vsix_sha256))
    error_message = "extension_vsix_sha256 must be 64 hexadecimal characters, or empty."
  }
}

variable "extension_install_wait_seconds" {
  description = "When no editor is installed yet at workspace start, keep trying to install the extension in the background for this many seconds (0: do not wait)."
  type        = number
  default     = 120

  validation {
    condition     = var.extension_install_wait_seconds >= 0 && var.extension_install_wait_seconds <= 1800 && floor(var.extension_install_wait_seconds) == var.extension_install_wait_seconds
    error_message = "extension_install_wait_seconds must be a whole number between 0 and 1800."
  }
}

variable "icon" {
  description = "Icon of the start script in the Coder UI."
  type        = string
  default     = "/icon/vault.svg"

  validation {
    condition     = trimspace(var.icon) != ""
    error_message = "icon must not be empty."
  }
}

variable "order" {
  description = "Accepted for compatibility with kmjones1979/oneclaw, which ignored it too: coder_script has no ordering attribute."
  type        = number
  default     = null
}
