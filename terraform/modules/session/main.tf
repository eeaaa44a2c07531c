# Bootstrap mode with a human key: the provisioner exchanges the key ONCE, when the workspace is
# created, for a short-lived human session (POST /v1/auth/api-key-token). Only that session
# reaches the workspace (the caller puts it in _ONECLAW_BOOTSTRAP_SESSION); the first enrolment
# uses it and revokes it, and later builds keep the dead copy in state and never exchange again.
# Same mechanics as ../provision (see there): the step writes the raw answer, Terraform decodes.
terraform {
  required_version = ">= 1.4"
}

locals {
  dir    = "${path.cwd}/.terraform/oneclaw/${substr(sha256("session/${var.instance_key}"), 0, 16)}"
  script = "${path.module}/../../scripts/provision.sh"
  env    = { ONECLAW_DIR = local.dir, ONECLAW_BASE_URL = var.base_url, ONECLAW_RETRY_BUDGET_SECONDS = tostring(var.retry_budget_seconds) }
  file   = "${local.dir}/session.json"
  answer = try(jsondecode(terraform_data.exchange.id == "" ? "" : (fileexists(local.file) ? file(local.file) : "")), {})
}

resource "terraform_data" "exchange" {
  triggers_replace = { instance = var.instance_key, base_url = var.base_url }

  provisioner "local-exec" {
    command     = "sh '${local.script}' session"
    on_failure  = continue
    environment = merge(local.env, { ONECLAW_API_KEY = var.api_key })
  }
  provisioner "local-exec" {
    command     = "sh '${local.script}' report session"
    environment = local.env
  }
}

resource "terraform_data" "session" {
  triggers_replace = {
    token      = sensitive(try(local.answer.body.access_token, ""))
    expires_in = try(tonumber(local.answer.body.expires_in), 0)
  }
  lifecycle {
    ignore_changes       = [triggers_replace]
    replace_triggered_by = [terraform_data.exchange.id]
    postcondition {
      condition     = self.triggers_replace.token != ""
      error_message = "1Claw's answer to the key exchange held no access_token. Apply again."
    }
  }
  provisioner "local-exec" {
    command = "rm -f '${local.file}'"
  }
}
