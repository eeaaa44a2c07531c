# Terraform-native provisioning of one 1Claw agent with nothing but the built-in provider, on a
# machine with only sh, curl and busybox (Coder's provisioner image). The API calls are made by
# scripts/provision.sh; JSON is decoded here, never by the script.
#
# Each API step is a terraform_data with a local-exec provisioner that writes the raw response
# bodies (in a fixed envelope) to <dir>/<step>.json. The next resource reads that file during
# the same apply: its file() call is gated on the step's id, which is unknown until the step
# has run, so Terraform evaluates it after the step and not at plan time. A "capture" resource
# copies the decoded values into state once (ignore_changes; replaced with its step), deletes
# the file, and later plans, in fresh directories without the file, change nothing.
#
#   discover  GET /v1/vaults (or the given vault), GET /v1/agents: the vault to reuse and the
#             earlier agents of this workspace (this workspace's marker and the agent name)
#   vault     POST /v1/vaults unless one was found
#   agent     POST /v1/agents (bound to the vault; the key is in the answer only)
#   policy    POST /v1/vaults/{id}/policies, then DELETE the agents this one replaces
#
# Terraform hides the output of a provisioner whose configuration holds a sensitive value, so a
# step records its log and status and the next provisioner (`report`) prints them.
terraform {
  required_version = ">= 1.4"
}

locals {
  dir    = "${path.cwd}/.terraform/oneclaw/${substr(sha256(var.instance_key), 0, 16)}"
  script = "${path.module}/../../scripts/provision.sh"
  marker = "(${var.owner_marker})"
  env = {
    ONECLAW_DIR                  = local.dir
    ONECLAW_BASE_URL             = var.base_url
    ONECLAW_RETRY_BUDGET_SECONDS = tostring(var.retry_budget_seconds)
  }
  # A change to any of these creates a new agent (the old one is deleted in the same apply).
  settings = {
    base_url    = var.base_url
    vault_name  = var.vault_name
    vault_id    = var.vault_id
    agent_name  = var.agent_name
    description = var.agent_description
    policy_path = var.policy_path
    permissions = join(",", var.policy_permissions)
    ttl         = tostring(var.token_ttl_seconds)
    marker      = local.marker
  }
  # Only these re-run the vault step.
  vault_identity = { base_url = var.base_url, vault_id = var.vault_id, vault_name = var.vault_name, marker = local.marker }

  # Results, read right after their step (see the top of this file); only captures use them.
  files      = { for step in ["discover", "vault", "agent", "policy"] : step => "${local.dir}/${step}.json" }
  discovered = try(jsondecode(terraform_data.discover.id == "" ? "" : (fileexists(local.files.discover) ? file(local.files.discover) : "")), {})
  named      = [for v in try(local.discovered.vaults.vaults, []) : v if try(v.name, "") == var.vault_name]
  found_vault_id = var.vault_id != "" ? var.vault_id : try(concat(
    [for v in local.named : v.id if length(split(local.marker, try(v.description, ""))) > 1], [for v in local.named : v.id]
  )[0], "")
  previous = [for a in try(local.discovered.agents.agents, []) : a.id
  if try(a.name, "") == var.agent_name && length(split(local.marker, try(a.description, ""))) > 1]

  vault_result = try(jsondecode(terraform_data.vault_step.id == "" ? "" : (fileexists(local.files.vault) ? file(local.files.vault) : "")), {})
  vault_id = try(local.vault_result.kind, "") == "found" ? local.vault_result.id : try(local.vault_result.kind, "") == "created" ? try(local.vault_result.body.id, "") : try(concat(
    [for v in local.vault_result.body.vaults : v.id if length(split("oneclaw-run:${local.vault_result.nonce}", try(v.description, ""))) > 1],
    [for v in local.vault_result.body.vaults : v.id if try(v.name, "") == var.vault_name],
  )[0], "")

  agent_result = try(jsondecode(terraform_data.agent_step.id == "" ? "" : (fileexists(local.files.agent) ? file(local.files.agent) : "")), {})
  orphans = [for a in try(local.agent_result.list.agents, []) : a.id
  if length([for n in try(local.agent_result.lost, []) : n if length(split(n, try(a.description, ""))) > 1]) > 0]

  policy_result = try(jsondecode(terraform_data.policy_step.id == "" ? "" : (fileexists(local.files.policy) ? file(local.files.policy) : "")), {})
  policy_id = try(local.policy_result.kind == "created" ? local.policy_result.body.id : [
    for p in local.policy_result.body.policies : p.id if try(p.principal_id, "") == terraform_data.agent.triggers_replace.agent_id
  ][0], "")
}

resource "terraform_data" "discover" {
  triggers_replace = local.settings

  provisioner "local-exec" {
    command     = "sh '${local.script}' discover"
    on_failure  = continue
    environment = merge(local.env, { ONECLAW_API_KEY = var.api_key, ONECLAW_VAULT_ID = var.vault_id })
  }
  provisioner "local-exec" {
    command     = "sh '${local.script}' report discover"
    environment = local.env
  }
}

resource "terraform_data" "discovered" {
  triggers_replace = {
    found_vault_id  = local.found_vault_id
    previous_agents = local.previous
  }
  lifecycle {
    ignore_changes       = [triggers_replace]
    replace_triggered_by = [terraform_data.discover.id]
  }
  provisioner "local-exec" {
    command = "rm -f '${local.dir}/discover.json'"
  }
}

resource "terraform_data" "vault_step" {
  triggers_replace = local.vault_identity

  provisioner "local-exec" {
    command    = "sh '${local.script}' vault"
    on_failure = continue
    environment = merge(local.env, {
      ONECLAW_API_KEY        = var.api_key
      ONECLAW_FOUND_VAULT_ID = terraform_data.discovered.triggers_replace.found_vault_id
      ONECLAW_BODY           = jsonencode({ name = var.vault_name, description = "Created by the 1Claw Coder module ${local.marker} (oneclaw-run:%%ONECLAW_NONCE%%)" })
    })
  }
  provisioner "local-exec" {
    command     = "sh '${local.script}' report vault"
    environment = local.env
  }
}

# The vault, kept until the workspace is deleted (or the vault settings change): destroying it
# deletes the vault only with auto_destroy_vault and only if it carries this workspace's marker.
resource "terraform_data" "vault" {
  input = {
    base_url           = var.base_url
    auto_destroy_vault = var.auto_destroy_vault
    owner_marker       = var.owner_marker
    destroy_key_env    = var.destroy_key_env
  }
  triggers_replace = {
    vault_id   = local.vault_id
    stored_key = var.store_key_for_destroy ? var.api_key : ""
  }
  lifecycle {
    ignore_changes       = [triggers_replace]
    replace_triggered_by = [terraform_data.vault_step.id]
    postcondition {
      condition     = self.triggers_replace.vault_id != ""
      error_message = "1Claw's answer named no vault. Apply again; if it persists, check base_url."
    }
  }
  provisioner "local-exec" {
    command = "rm -f '${local.dir}/vault.json'"
  }
  provisioner "local-exec" {
    when       = destroy
    command    = "sh '${path.module}/../../scripts/provision.sh' destroy-vault"
    on_failure = continue
    environment = {
      ONECLAW_DIR                = ".terraform/oneclaw-destroy"
      ONECLAW_BASE_URL           = self.input.base_url
      ONECLAW_VAULT_ID           = self.triggers_replace.vault_id
      ONECLAW_AUTO_DESTROY_VAULT = tostring(self.input.auto_destroy_vault)
      ONECLAW_OWNER_MARKER       = self.input.owner_marker
      ONECLAW_DESTROY_KEY_ENV    = self.input.destroy_key_env
      ONECLAW_STORED_KEY         = self.triggers_replace.stored_key
    }
  }
  provisioner "local-exec" {
    when        = destroy
    command     = "sh '${path.module}/../../scripts/provision.sh' report destroy-vault"
    environment = { ONECLAW_DIR = ".terraform/oneclaw-destroy" }
  }
}

resource "terraform_data" "agent_step" {
  triggers_replace = local.settings
  lifecycle {
    replace_triggered_by = [terraform_data.vault.id]
  }

  provisioner "local-exec" {
    command    = "sh '${local.script}' agent"
    on_failure = continue
    environment = merge(local.env, {
      ONECLAW_API_KEY = var.api_key
      ONECLAW_BODY = jsonencode(merge({
        name                = var.agent_name
        description         = "${var.agent_description} ${local.marker} (oneclaw-run:%%ONECLAW_NONCE%%)"
        vault_ids           = [terraform_data.vault.triggers_replace.vault_id]
        skip_default_policy = true
      }, var.token_ttl_seconds > 0 ? { token_ttl_seconds = var.token_ttl_seconds } : {}))
    })
  }
  provisioner "local-exec" {
    command     = "sh '${local.script}' report agent"
    environment = local.env
  }
}

# The agent and its key. Created before the agent it replaces is destroyed; the policy step
# deletes that one (a replaced, deposed instance runs no destroy provisioner).
resource "terraform_data" "agent" {
  input = { base_url = var.base_url, vault_id = terraform_data.vault.triggers_replace.vault_id, destroy_key_env = var.destroy_key_env }
  triggers_replace = {
    agent_id      = try(local.agent_result.created.agent.id, "")
    agent_api_key = sensitive(try(local.agent_result.created.api_key, ""))
    orphans       = local.orphans
    stored_key    = var.store_key_for_destroy ? var.api_key : ""
  }
  lifecycle {
    ignore_changes        = [triggers_replace]
    replace_triggered_by  = [terraform_data.agent_step.id]
    create_before_destroy = true
    postcondition {
      condition     = self.triggers_replace.agent_id != "" && startswith(self.triggers_replace.agent_api_key, "ocv_")
      error_message = "1Claw's answer held no agent id or ocv_ key. Apply again (the agent step runs again)."
    }
  }
  provisioner "local-exec" {
    command = "rm -f '${local.dir}/agent.json'"
  }
  provisioner "local-exec" {
    when       = destroy
    command    = "sh '${path.module}/../../scripts/provision.sh' destroy-agent"
    on_failure = continue
    environment = {
      ONECLAW_DIR             = ".terraform/oneclaw-destroy"
      ONECLAW_BASE_URL        = self.input.base_url
      ONECLAW_AGENT_ID        = self.triggers_replace.agent_id
      ONECLAW_VAULT_ID        = self.input.vault_id
      ONECLAW_DESTROY_KEY_ENV = self.input.destroy_key_env
      ONECLAW_STORED_KEY      = self.triggers_replace.stored_key
    }
  }
  provisioner "local-exec" {
    when        = destroy
    command     = "sh '${path.module}/../../scripts/provision.sh' report destroy-agent"
    environment = { ONECLAW_DIR = ".terraform/oneclaw-destroy" }
  }
}

resource "terraform_data" "policy_step" {
  triggers_replace = local.settings
  lifecycle {
    replace_triggered_by = [terraform_data.agent.id]
  }

  provisioner "local-exec" {
    command    = "sh '${local.script}' policy"
    on_failure = continue
    environment = merge(local.env, {
      ONECLAW_API_KEY          = var.api_key
      ONECLAW_VAULT_ID         = terraform_data.vault.triggers_replace.vault_id
      ONECLAW_AGENT_ID         = terraform_data.agent.triggers_replace.agent_id
      ONECLAW_DELETE_AGENT_IDS = join(" ", concat(terraform_data.discovered.triggers_replace.previous_agents, terraform_data.agent.triggers_replace.orphans))
      ONECLAW_BODY = jsonencode({
        secret_path_pattern = var.policy_path
        principal_type      = "agent"
        principal_id        = terraform_data.agent.triggers_replace.agent_id
        permissions         = var.policy_permissions
      })
    })
  }
  provisioner "local-exec" {
    command     = "sh '${local.script}' report policy"
    environment = local.env
  }
}

resource "terraform_data" "policy" {
  triggers_replace = { policy_id = local.policy_id }
  lifecycle {
    ignore_changes       = [triggers_replace]
    replace_triggered_by = [terraform_data.policy_step.id]
    postcondition {
      condition     = self.triggers_replace.policy_id != ""
      error_message = "1Claw's answer named no policy for the new agent. Apply again (the policy step runs again)."
    }
  }
  provisioner "local-exec" {
    command = "rm -f '${local.dir}/policy.json'"
  }
}
