# Runs for real against a 1Claw API with nothing but the built-in provider: the test command
# (test/terraform/tftest.test.ts) starts the local emulator, passes base_url with -var and the
# human key as TF_VAR_api_key, and lets `terraform test` destroy everything at the end (with
# ONECLAW_MASTER_API_KEY set, as on a Coder provisioner).

variables {
  vault_name           = "tftest-vault"
  agent_name           = "tftest-agent"
  agent_description    = "terraform test"
  owner_marker         = "oneclaw-instance:coder-workspace:tftest"
  instance_key         = "tftest"
  policy_path          = "tftest/**"
  token_ttl_seconds    = 900
  retry_budget_seconds = 30
}

run "creates_vault_agent_and_policy" {
  command = apply

  assert {
    condition     = can(regex("^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$", output.agent_id))
    error_message = "no agent id"
  }
  assert {
    condition     = startswith(output.agent_api_key, "ocv_")
    error_message = "no ocv_ key"
  }
  assert {
    condition     = output.vault_id != "" && output.policy_id != ""
    error_message = "no vault or policy"
  }
}

run "reapply_changes_nothing" {
  command = apply

  assert {
    condition     = output.agent_id == run.creates_vault_agent_and_policy.agent_id && output.policy_id == run.creates_vault_agent_and_policy.policy_id
    error_message = "re-applying replaced the agent or its policy"
  }
}

run "new_policy_path_replaces_the_agent_and_keeps_the_vault" {
  command = apply

  variables {
    policy_path = "tftest/app/*"
  }

  assert {
    condition     = output.agent_id != run.creates_vault_agent_and_policy.agent_id
    error_message = "the agent was not replaced"
  }
  assert {
    condition     = output.vault_id == run.creates_vault_agent_and_policy.vault_id
    error_message = "the vault changed"
  }
}

run "rejects_user_info_in_base_url" {
  command = plan

  variables {
    base_url = "http://localhost:x@198.51.100.7"
  }
  expect_failures = [var.base_url]
}

run "rejects_plain_http_to_another_host" {
  command = plan

  variables {
    base_url = "http://api.1claw.xyz"
  }
  expect_failures = [var.base_url]
}

run "rejects_a_tiny_retry_budget" {
  command = plan

  variables {
    retry_budget_seconds = 1
  }
  expect_failures = [var.retry_budget_seconds]
}
