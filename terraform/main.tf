terraform {
  # terraform_data needs Terraform 1.4.
  required_version = ">= 1.4"

  required_providers {
    coder = {
      source  = "coder/coder"
      version = ">= 2.5"
    }
  }
}

data "coder_workspace" "me" {}

data "coder_workspace_owner" "me" {}

locals {
  # Whether a key is set is not a secret; the keys themselves stay sensitive.
  mode = (
    nonsensitive(var.master_api_key != "") ? "terraform_native" :
    nonsensitive(var.human_api_key != "") ? "bootstrap" :
    nonsensitive(var.api_token != "") ? "manual" : "none"
  )
  terraform_native = local.mode == "terraform_native"
  credentials_set = length([for is_set in [
    nonsensitive(var.master_api_key != ""), nonsensitive(var.human_api_key != ""), nonsensitive(var.api_token != "")
  ] : is_set if is_set])
  # Only whether a key is well-formed is revealed, never the key (see variables.tf).
  master_api_key_ok = nonsensitive(var.master_api_key == "" || can(regex("^1ck_[A-Za-z0-9_-]{8,}$", var.master_api_key)))
  human_api_key_ok  = nonsensitive(var.human_api_key == "" || can(regex("^1ck_[A-Za-z0-9_-]{8,}$", var.human_api_key)))
  api_token_ok      = nonsensitive(var.api_token == "" || can(regex("^ocv_[A-Za-z0-9_-]{8,}$", var.api_token)))

  default_name = "coder-${data.coder_workspace_owner.me.name}-${data.coder_workspace.me.name}"
  description  = "Coder workspace ${data.coder_workspace_owner.me.name}/${data.coder_workspace.me.name}, enrolled by the 1Claw Coder module"
  # Appended to the descriptions of the vault and agents this module creates: destroy deletes
  # only a vault that carries it, and a new agent replaces the earlier ones that carry it.
  owner_marker      = "coder-workspace:${data.coder_workspace.me.id}"
  token_ttl_seconds = floor(var.token_ttl_hours * 3600)

  vault_id = local.terraform_native ? one(module.provision[*].vault_id) : var.vault_id
  agent_id = local.terraform_native ? one(module.provision[*].agent_id) : var.agent_id_1claw

  # Everything the start script needs. None of it is secret: credentials reach the workspace
  # only through coder_env.
  script_config = {
    ONECLAW_CFG_MODE              = local.mode
    ONECLAW_CFG_BASE_URL          = var.base_url
    ONECLAW_CFG_MCP_URL           = var.mcp_host
    ONECLAW_CFG_SERVER_NAME       = var.mcp_server_name
    ONECLAW_CFG_INSTALL_CURSOR    = tostring(var.install_cursor_config)
    ONECLAW_CFG_CURSOR_PATH       = var.cursor_config_path
    ONECLAW_CFG_INSTALL_CLAUDE    = tostring(var.install_claude_config)
    ONECLAW_CFG_CLAUDE_PATH       = var.claude_config_path
    ONECLAW_CFG_CLAUDE_STYLE      = var.claude_config_style
    ONECLAW_CFG_VAULT_NAME        = var.bootstrap_vault_name
    ONECLAW_CFG_VAULT_ID          = var.vault_id
    ONECLAW_CFG_AGENT_NAME        = var.bootstrap_agent_name != "" ? var.bootstrap_agent_name : local.default_name
    ONECLAW_CFG_AGENT_DESCRIPTION = local.description
    ONECLAW_CFG_POLICY_PATH       = var.bootstrap_policy_path
    ONECLAW_CFG_PERMISSIONS       = join(",", var.policy_permissions)
    ONECLAW_CFG_TOKEN_TTL_SECONDS = tostring(local.token_ttl_seconds)
    ONECLAW_CFG_OWNER_MARKER      = local.owner_marker
    ONECLAW_CFG_VSIX              = var.extension_vsix
    ONECLAW_CFG_VSIX_SHA256       = lower(var.extension_vsix_sha256)
    ONECLAW_CFG_VSIX_WAIT_SECONDS = tostring(var.extension_install_wait_seconds)
  }
}

# Terraform-native mode: the agent is created during this apply, before the workspace starts,
# and its key flows straight into coder_env below (see modules/provision for how).
module "provision" {
  source = "./modules/provision"
  count  = local.terraform_native ? 1 : 0

  master_api_key               = var.master_api_key
  base_url                     = var.base_url
  vault_name                   = var.provision_vault_name != "" ? var.provision_vault_name : local.default_name
  vault_id                     = var.vault_id
  agent_name                   = var.provision_agent_name != "" ? var.provision_agent_name : local.default_name
  agent_description            = local.description
  policy_path                  = var.provision_policy_path
  policy_permissions           = var.policy_permissions
  token_ttl_seconds            = local.token_ttl_seconds
  auto_destroy_vault           = var.auto_destroy_vault
  store_master_key_for_destroy = var.store_master_key_for_destroy
  destroy_key_env              = var.destroy_key_env
  owner_marker                 = local.owner_marker
  instance_key                 = data.coder_workspace.me.id
}

resource "coder_env" "base_url" {
  agent_id = var.agent_id
  name     = "ONECLAW_BASE_URL"
  value    = var.base_url
}

resource "coder_env" "mcp_url" {
  agent_id = var.agent_id
  name     = "ONECLAW_MCP_URL"
  value    = var.mcp_host
}

resource "coder_env" "vault_id" {
  count    = local.terraform_native || var.vault_id != "" ? 1 : 0
  agent_id = var.agent_id
  name     = "ONECLAW_VAULT_ID"
  value    = local.vault_id
}

resource "coder_env" "agent_api_key" {
  count    = local.terraform_native || local.mode == "manual" ? 1 : 0
  agent_id = var.agent_id
  name     = "ONECLAW_AGENT_API_KEY"
  value    = local.terraform_native ? one(module.provision[*].agent_api_key) : var.api_token
}

resource "coder_env" "agent_id_1claw" {
  count    = local.terraform_native || var.agent_id_1claw != "" ? 1 : 0
  agent_id = var.agent_id
  name     = "ONECLAW_AGENT_ID"
  value    = local.agent_id
}

# Bootstrap mode: the human key reaches the start script (and the extension) only through the
# environment; it is never templated into the script.
resource "coder_env" "human_api_key" {
  count    = local.mode == "bootstrap" ? 1 : 0
  agent_id = var.agent_id
  name     = "_ONECLAW_HUMAN_API_KEY"
  value    = var.human_api_key
}

resource "coder_script" "oneclaw" {
  agent_id     = var.agent_id
  display_name = "1Claw"
  icon         = var.icon
  run_on_start = true
  # First boot in bootstrap mode creates the agent: hold logins until the MCP configs exist.
  start_blocks_login = local.mode == "bootstrap"
  script = templatefile("${path.module}/scripts/coder-script.sh.tftpl", {
    files = {
      "oneclaw-lib.sh"         = file("${path.module}/scripts/oneclaw-lib.sh")
      "oneclaw-json.py"        = file("${path.module}/scripts/oneclaw-json.py")
      "oneclaw-json.js"        = file("${path.module}/scripts/oneclaw-json.js")
      "oneclaw-mcp-headers.sh" = file("${path.module}/scripts/oneclaw-mcp-headers.sh")
      "oneclaw-workspace.sh"   = file("${path.module}/scripts/oneclaw-workspace.sh")
    }
    config = local.script_config
  })

  # Checks of the sensitive inputs and of how inputs combine (see variables.tf for why they are
  # not validation blocks). They fail the plan before anything is created.
  lifecycle {
    precondition {
      condition     = local.credentials_set <= 1
      error_message = "Set only one credential: master_api_key (Terraform-native), human_api_key (bootstrap) or api_token (manual)."
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
      error_message = "vault_id is set but no credential is: also set api_token (manual), human_api_key (bootstrap) or master_api_key (Terraform-native)."
    }
    precondition {
      condition     = var.agent_id_1claw == "" || local.mode == "manual"
      error_message = "agent_id_1claw belongs to manual mode: set it together with api_token (the other modes create the agent and know its id)."
    }
  }
}
