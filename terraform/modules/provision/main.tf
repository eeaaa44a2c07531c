# Terraform-native provisioning of one 1Claw agent, with nothing but the built-in provider.
#
# How the credentials reach the caller in the SAME apply:
#   1. terraform_data.agent runs `oneclaw-provision.sh create` (local-exec, master key in its
#      environment only). It writes {vault_id, agent_id, policy_id, agent_api_key} as a small
#      Terraform state file (0600) under .terraform/.
#   2. data.terraform_remote_state.result reads that file. `depends_on` defers the read to apply
#      time, after step 1, whenever step 1 has work to do; fileexists() picks empty-state.json when
#      there is no fresh result (later plans run in fresh working directories, as Coder's do).
#   3. terraform_data.credentials copies the result into Terraform state and ignores later
#      changes to it, so every later plan sees the same values and changes nothing. Its create
#      provisioner deletes the result file. Secrets are kept in triggers_replace, never in
#      input (whose unmarked `output` mirror would show them in plan diffs).
#   4. agent_guard and vault_guard hold what destroy needs (destroy provisioners can only read
#      `self`) and delete the agent, and optionally the vault, when they are destroyed.
#
# A change to the agent's settings creates the new agent first (create_before_destroy); its
# create step deletes the agent it replaces (a deposed agent_guard runs no destroy provisioner).
terraform {
  required_version = ">= 1.4"
}

locals {
  run_id      = substr(sha256("${var.instance_key}/${var.agent_name}"), 0, 24)
  work_dir    = ".terraform/oneclaw-provision"
  result_file = "${local.work_dir}/${local.run_id}.tfstate"
  script      = "${path.module}/../../scripts/oneclaw-provision.sh"

  # Everything that identifies the agent: a change re-creates it (and deletes the old one).
  agent_settings = {
    base_url           = var.base_url
    vault_name         = var.vault_name
    vault_id           = var.vault_id
    agent_name         = var.agent_name
    agent_description  = var.agent_description
    policy_path        = var.policy_path
    policy_permissions = join(",", var.policy_permissions)
    token_ttl_seconds  = tostring(var.token_ttl_seconds)
    owner_marker       = var.owner_marker
  }
}

resource "terraform_data" "agent" {
  triggers_replace = local.agent_settings

  # A replacement agent is created first, and its create step deletes the agent it replaces
  # (same name, this workspace's marker): Terraform runs no destroy provisioner for the replaced
  # (deposed) agent_guard, and no key is needed at destroy time for a replacement.
  lifecycle {
    create_before_destroy = true
  }

  # Terraform hides the output of this step (its environment holds the master key), so it only
  # records its log and status; the next provisioner prints them and fails on failure.
  provisioner "local-exec" {
    command    = "bash \"${local.script}\" create"
    on_failure = continue
    environment = {
      ONECLAW_MASTER_API_KEY     = var.master_api_key
      ONECLAW_RUN_ID             = local.run_id
      ONECLAW_WORK_DIR           = local.work_dir
      ONECLAW_RESULT_FILE        = local.result_file
      ONECLAW_BASE_URL           = var.base_url
      ONECLAW_VAULT_NAME         = var.vault_name
      ONECLAW_VAULT_ID           = var.vault_id
      ONECLAW_AGENT_NAME         = var.agent_name
      ONECLAW_AGENT_DESCRIPTION  = var.agent_description
      ONECLAW_POLICY_PATH        = var.policy_path
      ONECLAW_POLICY_PERMISSIONS = local.agent_settings.policy_permissions
      ONECLAW_TOKEN_TTL_SECONDS  = local.agent_settings.token_ttl_seconds
      ONECLAW_OWNER_MARKER       = var.owner_marker
    }
  }

  provisioner "local-exec" {
    command = "bash \"${local.script}\" report create"
    environment = {
      ONECLAW_RUN_ID   = local.run_id
      ONECLAW_WORK_DIR = local.work_dir
    }
  }
}

data "terraform_remote_state" "result" {
  backend = "local"
  config = {
    path = fileexists(local.result_file) ? local.result_file : "${path.module}/empty-state.json"
  }
  defaults = {
    vault_id      = ""
    agent_id      = ""
    policy_id     = ""
    vault_created = ""
    agent_api_key = ""
  }
  depends_on = [terraform_data.agent]
}

resource "terraform_data" "credentials" {
  # Held in triggers_replace, not input: terraform_data mirrors input into an `output` attribute
  # that Terraform does not mark sensitive, so a key kept in input shows up in plan diffs.
  triggers_replace = {
    vault_id      = data.terraform_remote_state.result.outputs.vault_id
    agent_id      = data.terraform_remote_state.result.outputs.agent_id
    policy_id     = data.terraform_remote_state.result.outputs.policy_id
    agent_api_key = sensitive(data.terraform_remote_state.result.outputs.agent_api_key)
  }

  lifecycle {
    # Read once, right after the agent was created; later plans find no result file.
    ignore_changes        = [triggers_replace]
    replace_triggered_by  = [terraform_data.agent]
    create_before_destroy = true

    postcondition {
      condition     = self.triggers_replace.agent_id != "" && self.triggers_replace.agent_api_key != ""
      error_message = "The 1Claw provisioning step left no result. Re-create the agent: terraform apply -replace='<this module>.terraform_data.agent'."
    }
  }

  # The key is in Terraform state now; remove the temporary copy.
  provisioner "local-exec" {
    command = "rm -f \"${local.result_file}\""
  }
}

# Changes when the vault's identity changes; the vault guard is replaced with it.
resource "terraform_data" "vault_identity" {
  input = [var.base_url, var.vault_id, var.vault_name, var.owner_marker]
}

resource "terraform_data" "vault_guard" {
  input = {
    vault_id           = terraform_data.credentials.triggers_replace.vault_id
    base_url           = var.base_url
    auto_destroy_vault = var.auto_destroy_vault
    owner_marker       = var.owner_marker
    destroy_key_env    = var.destroy_key_env
    run_id             = local.run_id
  }
  # Secrets live here (see credentials), captured when the guard is created.
  triggers_replace = {
    stored_master_key = var.store_master_key_for_destroy ? var.master_api_key : ""
  }

  lifecycle {
    ignore_changes = [triggers_replace]
    # Replaced (so the old vault is considered for deletion) only when the vault itself changes,
    # never when just the agent or its policy changes.
    replace_triggered_by = [terraform_data.vault_identity]
  }

  provisioner "local-exec" {
    when       = destroy
    on_failure = continue
    command    = "bash \"${path.module}/../../scripts/oneclaw-provision.sh\" destroy-vault"
    environment = {
      ONECLAW_RUN_ID             = self.output.run_id
      ONECLAW_BASE_URL           = self.output.base_url
      ONECLAW_VAULT_ID           = self.output.vault_id
      ONECLAW_AUTO_DESTROY_VAULT = tostring(self.output.auto_destroy_vault)
      ONECLAW_OWNER_MARKER       = self.output.owner_marker
      ONECLAW_DESTROY_KEY_ENV    = self.output.destroy_key_env
      ONECLAW_STORED_MASTER_KEY  = self.triggers_replace.stored_master_key
    }
  }

  provisioner "local-exec" {
    when    = destroy
    command = "bash \"${path.module}/../../scripts/oneclaw-provision.sh\" report destroy-vault"
    environment = {
      ONECLAW_RUN_ID = self.output.run_id
    }
  }
}

resource "terraform_data" "agent_guard" {
  input = {
    agent_id        = terraform_data.credentials.triggers_replace.agent_id
    policy_id       = terraform_data.credentials.triggers_replace.policy_id
    vault_id        = terraform_data.credentials.triggers_replace.vault_id
    base_url        = var.base_url
    destroy_key_env = var.destroy_key_env
    run_id          = local.run_id
  }
  triggers_replace = {
    agent_api_key     = terraform_data.credentials.triggers_replace.agent_api_key
    stored_master_key = var.store_master_key_for_destroy ? var.master_api_key : ""
  }
  # Destroyed before the vault guard: the agent goes first.
  depends_on = [terraform_data.vault_guard]

  lifecycle {
    ignore_changes        = [triggers_replace]
    replace_triggered_by  = [terraform_data.agent]
    create_before_destroy = true
  }

  provisioner "local-exec" {
    when       = destroy
    on_failure = continue
    command    = "bash \"${path.module}/../../scripts/oneclaw-provision.sh\" destroy-agent"
    environment = {
      ONECLAW_RUN_ID            = self.output.run_id
      ONECLAW_BASE_URL          = self.output.base_url
      ONECLAW_AGENT_ID          = self.output.agent_id
      ONECLAW_AGENT_API_KEY     = self.triggers_replace.agent_api_key
      ONECLAW_POLICY_ID         = self.output.policy_id
      ONECLAW_VAULT_ID          = self.output.vault_id
      ONECLAW_DESTROY_KEY_ENV   = self.output.destroy_key_env
      ONECLAW_STORED_MASTER_KEY = self.triggers_replace.stored_master_key
    }
  }

  provisioner "local-exec" {
    when    = destroy
    command = "bash \"${path.module}/../../scripts/oneclaw-provision.sh\" report destroy-agent"
    environment = {
      ONECLAW_RUN_ID = self.output.run_id
    }
  }
}
