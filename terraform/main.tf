terraform {
  # terraform_data needs Terraform 1.4.
  required_version = ">= 1.4"

  required_providers {
    coder = {
      source = "coder/coder"
      # data "coder_secret" arrived in 2.16.
      version = ">= 2.16"
    }
  }
}

data "coder_workspace" "me" {}

data "coder_workspace_owner" "me" {}

# Coder user secrets as the source of a key. Each declares a secret the user must have.
data "coder_secret" "human_key" {
  count        = var.human_api_key_secret_env != "" ? 1 : 0
  env          = var.human_api_key_secret_env
  help_message = "A human 1Claw API key (1ck_...) that enrols this workspace once: coder secret create oneclaw-human-key --env ${var.human_api_key_secret_env}"
}

data "coder_secret" "agent_key" {
  count        = var.api_token_secret_env != "" ? 1 : 0
  env          = var.api_token_secret_env
  help_message = "This workspace's 1Claw agent key (ocv_...): coder secret create oneclaw-agent-key --env ${var.api_token_secret_env}"
}

locals {
  human_key = var.human_api_key != "" ? var.human_api_key : try(data.coder_secret.human_key[0].value, "")
  api_token = var.api_token != "" ? var.api_token : try(data.coder_secret.agent_key[0].value, "")

  # Which credentials are configured is not a secret; the keys themselves stay sensitive.
  has_master = nonsensitive(var.master_api_key != "")
  has_human  = nonsensitive(var.human_api_key != "") || var.human_api_key_secret_env != ""
  has_token  = nonsensitive(var.api_token != "") || var.api_token_secret_env != ""
  mode = (
    local.has_master ? "terraform_native" :
    local.has_human || var.bootstrap ? "bootstrap" :
    local.has_token ? "manual" : "none"
  )
  credentials_set = length([for is_set in [local.has_master, local.has_human || var.bootstrap, local.has_token] : is_set if is_set])
  # Only whether a key is well-formed is revealed, never the key.
  master_api_key_ok = nonsensitive(var.master_api_key == "" || can(regex("^1ck_[A-Za-z0-9_-]{8,}$", var.master_api_key)))
  human_api_key_ok  = nonsensitive(local.human_key == "" || can(regex("^1ck_[A-Za-z0-9_-]{8,}$", local.human_key)))
  api_token_ok      = nonsensitive(local.api_token == "" || can(regex("^ocv_[A-Za-z0-9_-]{8,}$", local.api_token)))

  default_name = substr("coder-${data.coder_workspace_owner.me.name}-${data.coder_workspace.me.name}", 0, 64)
  description  = "Coder workspace ${data.coder_workspace_owner.me.name}/${data.coder_workspace.me.name}, enrolled by the 1Claw Coder module"
  # In the description of what this module creates: earlier agents of this workspace and a
  # vault it created are recognised by it, never by name alone.
  instance_id       = "coder-workspace:${data.coder_workspace.me.id}"
  token_ttl_seconds = var.token_ttl_hours == 0 ? 0 : max(60, floor(var.token_ttl_hours * 3600))
  # An MCP URL nobody set follows the API onto the same 1Claw domain (as the extension does).
  api_domain = try(lower(regex("(?i)^https://api\\.(1claw\\.(?:co|xyz))(?::443)?(?:/.*)?$", var.base_url)[0]), "")
  mcp_url    = var.mcp_host != "" ? var.mcp_host : "https://mcp.${local.api_domain != "" ? local.api_domain : "1claw.co"}/mcp"
  # The published module's default is a file Claude Code never reads: it means "the default".
  claude_config_path = endswith(var.claude_config_path, ".config/claude/mcp.json") ? "" : var.claude_config_path
  module_directory   = ".coder-modules/1claw/oneclaw"
  sync_name          = "1claw-oneclaw-start_script"
  helper             = "$HOME/.1claw/bin/oneclaw-mcp-headers-${var.mcp_server_name}"
  # Cursor's mcp.json can only reference a key in the environment (${env:...}) or hold it; in
  # bootstrap mode the key is not in the environment, so "fresh" leaves Cursor to the extension.
  cursor = var.install_cursor_config && (local.mode != "bootstrap" || var.credential_style == "static")

  # What `oneclaw workspace-start` reads. Nothing here is secret: credentials reach the
  # workspace only as coder_env variables (ONECLAW_AGENT_API_KEY, _ONECLAW_BOOTSTRAP_SESSION).
  # install_*_config force their client on (named) or off (skip_clients, even under "all").
  # token_ttl_seconds: up to 30 days, as token_ttl_hours allows; null is the 1Claw default.
  start_config = {
    api_base_url      = var.base_url
    mcp_url           = local.mcp_url
    server_name       = var.mcp_server_name
    clients           = distinct(concat(var.clients, var.install_claude_config ? ["claude-code"] : [], local.cursor ? ["cursor"] : []))
    skip_clients      = concat(var.install_claude_config ? [] : ["claude-code"], var.install_cursor_config ? [] : ["cursor"])
    client_paths      = { cursor = var.cursor_config_path, claude-code = local.claude_config_path }
    credential_style  = var.credential_style
    mode              = local.mode
    vault_name        = var.bootstrap_vault_name
    vault_id          = var.vault_id != "" ? var.vault_id : null
    agent_name        = var.bootstrap_agent_name != "" ? var.bootstrap_agent_name : local.default_name
    policy_path       = var.bootstrap_policy_path
    permissions       = var.policy_permissions
    token_ttl_seconds = local.token_ttl_seconds > 0 ? local.token_ttl_seconds : null
    owner_marker      = local.instance_id
    device_sign_in    = { enabled = local.mode == "bootstrap" && var.device_sign_in_wait_seconds > 0, wait_seconds = var.device_sign_in_wait_seconds }
  }

  vault_id = local.mode == "terraform_native" ? one(module.provision[*].vault_id) : var.vault_id
  agent_id = local.mode == "terraform_native" ? one(module.provision[*].agent_id) : var.agent_id_1claw
}

# Terraform-native mode: the agent is created during this apply, before the workspace starts
# (see modules/provision).
module "provision" {
  source = "./modules/provision"
  count  = local.mode == "terraform_native" ? 1 : 0

  api_key               = var.master_api_key
  base_url              = var.base_url
  vault_name            = var.provision_vault_name != "" ? var.provision_vault_name : local.default_name
  vault_id              = var.vault_id
  agent_name            = var.provision_agent_name != "" ? var.provision_agent_name : local.default_name
  agent_description     = local.description
  policy_path           = var.provision_policy_path
  policy_permissions    = var.policy_permissions
  token_ttl_seconds     = local.token_ttl_seconds
  auto_destroy_vault    = var.auto_destroy_vault
  store_key_for_destroy = var.store_master_key_for_destroy
  destroy_key_env       = var.destroy_key_env
  owner_marker          = "oneclaw-instance:${local.instance_id}"
  instance_key          = data.coder_workspace.me.id
  retry_budget_seconds  = var.retry_budget_seconds
}

# Bootstrap mode with a human key: exchanged once, at creation, for a short-lived session; the
# key itself never reaches the workspace (see modules/session).
module "session" {
  source = "./modules/session"
  count  = local.mode == "bootstrap" && local.has_human ? 1 : 0

  api_key              = local.human_key
  base_url             = var.base_url
  instance_key         = data.coder_workspace.me.id
  retry_budget_seconds = var.retry_budget_seconds
}

resource "coder_env" "base_url" {
  agent_id = var.agent_id
  name     = "ONECLAW_BASE_URL"
  value    = var.base_url
}

resource "coder_env" "mcp_url" {
  agent_id = var.agent_id
  name     = "ONECLAW_MCP_URL"
  value    = local.mcp_url
}

resource "coder_env" "vault_id" {
  count    = local.mode == "terraform_native" || var.vault_id != "" ? 1 : 0
  agent_id = var.agent_id
  name     = "ONECLAW_VAULT_ID"
  value    = local.vault_id
}

# A user secret named ONECLAW_AGENT_API_KEY is injected by Coder itself.
resource "coder_env" "agent_api_key" {
  count    = local.mode == "terraform_native" || (local.mode == "manual" && var.api_token_secret_env != "ONECLAW_AGENT_API_KEY") ? 1 : 0
  agent_id = var.agent_id
  name     = "ONECLAW_AGENT_API_KEY"
  value    = local.mode == "terraform_native" ? one(module.provision[*].agent_api_key) : local.api_token
}

resource "coder_env" "agent_id_1claw" {
  count    = local.mode == "terraform_native" || var.agent_id_1claw != "" ? 1 : 0
  agent_id = var.agent_id
  name     = "ONECLAW_AGENT_ID"
  value    = local.agent_id
}

resource "coder_env" "bootstrap_session" {
  count    = local.mode == "bootstrap" && local.has_human ? 1 : 0
  agent_id = var.agent_id
  name     = "_ONECLAW_BOOTSTRAP_SESSION"
  value    = one(module.session[*].token)
}

resource "coder_script" "oneclaw" {
  agent_id     = var.agent_id
  display_name = "1Claw"
  icon         = var.icon
  run_on_start = true
  # With a session the first start enrols without a person: hold logins until it is done.
  # Device sign-in waits for a person, who must be able to log in meanwhile.
  start_blocks_login = local.mode == "bootstrap" && local.has_human
  script = templatefile("${path.module}/scripts/start.sh.tftpl", {
    module_directory = local.module_directory
    sync_name        = local.sync_name
    config           = jsonencode(local.start_config)
    cli              = base64gzip(file("${path.module}/scripts/oneclaw.cjs"))
    node_wait        = var.node_wait_seconds
    vsix             = var.extension_vsix
    vsix_sha256      = lower(var.extension_vsix_sha256)
    vsix_wait        = var.extension_install_wait_seconds
  })

  # How inputs combine, and the formats of the keys (see variables.tf for why these are not
  # validation blocks). They fail the plan before anything is created.
  lifecycle {
    precondition {
      condition     = local.credentials_set <= 1
      error_message = "Set only one credential: master_api_key (Terraform-native), human_api_key / bootstrap (bootstrap) or api_token (manual)."
    }
    precondition {
      condition     = !(nonsensitive(var.human_api_key != "") && var.human_api_key_secret_env != "") && !(nonsensitive(var.api_token != "") && var.api_token_secret_env != "")
      error_message = "Give a key either as a value or as a Coder user secret (*_secret_env), not both."
    }
    precondition {
      condition     = local.master_api_key_ok
      error_message = "master_api_key must be a human 1Claw API key: 1ck_ followed by letters, digits, '_' or '-'. An agent key (ocv_) goes in api_token."
    }
    precondition {
      condition     = local.human_api_key_ok
      error_message = "human_api_key must be a human 1Claw API key: 1ck_ followed by letters, digits, '_' or '-'. An agent key (ocv_) goes in api_token."
    }
    precondition {
      condition     = local.api_token_ok
      error_message = "api_token must be a 1Claw agent API key: ocv_ followed by letters, digits, '_' or '-'. A human key (1ck_) goes in human_api_key or master_api_key, never in api_token."
    }
    precondition {
      condition     = local.mode != "manual" || var.vault_id != ""
      error_message = "api_token (manual mode) needs vault_id: the UUID of the vault the agent may use."
    }
    precondition {
      condition     = var.vault_id == "" || local.mode != "none"
      error_message = "vault_id is set but no credential is: also set api_token (manual), human_api_key or bootstrap (bootstrap) or master_api_key (Terraform-native)."
    }
    precondition {
      condition     = var.agent_id_1claw == "" || local.mode == "manual"
      error_message = "agent_id_1claw belongs to manual mode: set it together with api_token (the other modes create the agent and know its id)."
    }
    precondition {
      condition     = local.mode != "bootstrap" || local.has_human || var.device_sign_in_wait_seconds > 0
      error_message = "Bootstrap mode needs device sign-in (device_sign_in_wait_seconds > 0) or human_api_key."
    }
    precondition {
      condition     = !(contains(var.clients, "cursor") && !var.install_cursor_config) && !(contains(var.clients, "claude-code") && !var.install_claude_config)
      error_message = "clients names cursor or claude-code while install_cursor_config or install_claude_config turns it off: choose one."
    }
    precondition {
      condition     = !can(regex("^https?://", var.extension_vsix)) || var.extension_vsix_sha256 != ""
      error_message = "extension_vsix is a URL: set extension_vsix_sha256 to the file's SHA-256, or the download is not installed."
    }
  }
}
