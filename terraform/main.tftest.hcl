# Plan-time tests of the coder_* resources with a mocked coder provider. `terraform test` needs
# the provider installed even to mock it, so these run where the Terraform registry is
# reachable (the Coder registry's CI); offline, the repository's test command checks that this
# file is formatted and parses, and reports it as not run. The same behaviour is tested here
# under real Terraform by test/terraform/module.test.ts (coder_* replaced by terraform_data).

mock_provider "coder" {
  mock_data "coder_workspace" {
    defaults = {
      id          = "3f1f0c1e-5a5b-4c4d-8e8f-000000000001"
      name        = "ws"
      start_count = 1
    }
  }
  mock_data "coder_workspace_owner" {
    defaults = {
      name = "alice"
    }
  }
  mock_data "coder_secret" {
    defaults = {
      value = "ocv_fromUserSecret0123456789"
    }
  }
}

variables {
  agent_id = "coder-agent-1"
}

run "manual_mode" {
  command = plan

  variables {
    vault_id  = "aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee"
    api_token = "ocv_testtoken"
  }

  assert {
    condition     = output.provisioning_mode == "manual"
    error_message = "api_token selects manual mode"
  }
  assert {
    condition     = length(coder_env.agent_api_key) == 1 && length(coder_env.vault_id) == 1 && length(coder_env.bootstrap_session) == 0
    error_message = "manual mode injects the agent key and the vault, and no session"
  }
  assert {
    condition     = coder_script.oneclaw.start_blocks_login == false
    error_message = "manual mode does not block login"
  }
  assert {
    condition     = !strcontains(coder_script.oneclaw.script, "ocv_testtoken")
    error_message = "the agent key was templated into the start script"
  }
  assert {
    condition     = strcontains(output.codex_mcp, "bearer_token_env_var = \"ONECLAW_AGENT_API_KEY\"") && !strcontains(output.codex_mcp, "ocv_")
    error_message = "the codex output must reference the environment, never hold a key"
  }
}

run "bootstrap_with_device_sign_in" {
  command = plan

  variables {
    bootstrap = true
  }

  assert {
    condition     = output.provisioning_mode == "bootstrap" && length(coder_env.bootstrap_session) == 0 && length(coder_env.agent_api_key) == 0
    error_message = "device sign-in needs no credential in the environment"
  }
  assert {
    condition     = strcontains(coder_script.oneclaw.script, "\"device_sign_in\":{\"enabled\":true,\"wait_seconds\":600}")
    error_message = "the start script's config must turn device sign-in on"
  }
  assert {
    condition     = coder_script.oneclaw.start_blocks_login == false
    error_message = "device sign-in waits for a person, who must be able to log in meanwhile"
  }
}

run "bootstrap_with_a_human_key_injects_only_a_session" {
  command = plan

  variables {
    human_api_key = "1ck_test_human_key"
  }

  assert {
    condition     = output.provisioning_mode == "bootstrap" && length(coder_env.bootstrap_session) == 1
    error_message = "a human key becomes a one-time session"
  }
  assert {
    condition     = coder_env.bootstrap_session[0].name == "_ONECLAW_BOOTSTRAP_SESSION"
    error_message = "the session variable is _ONECLAW_BOOTSTRAP_SESSION"
  }
  assert {
    condition     = !strcontains(coder_script.oneclaw.script, "1ck_test_human_key") && !strcontains(coder_script.oneclaw.script, "_ONECLAW_HUMAN_API_KEY")
    error_message = "the human key must never reach the workspace"
  }
  assert {
    condition     = coder_script.oneclaw.start_blocks_login == true
    error_message = "enrolling with the session holds logins until it is done"
  }
}

run "terraform_native_mode" {
  command = plan

  variables {
    master_api_key = "1ck_test_master_key"
  }

  assert {
    condition     = output.provisioning_mode == "terraform_native" && length(coder_env.agent_api_key) == 1 && length(coder_env.bootstrap_session) == 0
    error_message = "master_api_key provisions at apply and injects the agent key"
  }
}

run "agent_key_from_a_user_secret_injected_by_coder" {
  command = plan

  variables {
    vault_id             = "aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee"
    api_token_secret_env = "ONECLAW_AGENT_API_KEY"
  }

  assert {
    condition     = output.provisioning_mode == "manual" && length(coder_env.agent_api_key) == 0
    error_message = "Coder injects a secret named ONECLAW_AGENT_API_KEY itself"
  }
}

run "published_module_inputs_keep_working" {
  command = plan

  variables {
    vault_id              = "aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee"
    api_token             = "ocv_testtoken"
    claude_config_path    = "$HOME/.config/claude/mcp.json"
    install_cursor_config = true
    order                 = 1
  }

  assert {
    condition     = output.claude_config_path == "$HOME/.claude.json" && output.mcp_config_path == "$HOME/.cursor/mcp.json"
    error_message = "the published Claude path means Claude Code's own config"
  }
  assert {
    condition     = strcontains(output.claude_code_mcp, "headersHelper") && !strcontains(output.claude_code_mcp, "ocv_")
    error_message = "the claude-code output holds a helper path, never a key"
  }
}

run "hosts_follow_the_official_tools" {
  command = plan

  assert {
    condition     = coder_env.base_url.value == "https://api.1claw.co" && coder_env.mcp_url.value == "https://mcp.1claw.co/mcp"
    error_message = "the default hosts are api.1claw.co and mcp.1claw.co/mcp"
  }
}

run "mcp_url_follows_an_xyz_base_url" {
  command = plan

  variables {
    base_url = "https://api.1claw.xyz"
  }

  assert {
    condition     = coder_env.mcp_url.value == "https://mcp.1claw.xyz/mcp"
    error_message = "an MCP URL nobody set follows base_url's 1Claw domain"
  }
}

run "clients_default_to_all_present" {
  command = plan

  assert {
    condition     = strcontains(coder_script.oneclaw.script, "\"clients\":[\"all\",\"claude-code\",\"cursor\"]")
    error_message = "the start script registers every present client, Claude Code and Cursor forced on"
  }
}

run "rejects_an_unknown_client" {
  command = plan

  variables {
    clients = ["goose"]
  }
  expect_failures = [var.clients]
}

run "rejects_user_info_in_urls" {
  command = plan

  variables {
    base_url = "http://localhost:x@198.51.100.7"
  }
  expect_failures = [var.base_url]
}

run "rejects_two_credentials" {
  command = plan

  variables {
    master_api_key = "1ck_test_master_key"
    human_api_key  = "1ck_test_human_key"
  }
  expect_failures = [coder_script.oneclaw]
}

run "vsix_url_needs_a_checksum" {
  command = plan

  variables {
    extension_vsix = "https://example.com/1claw.vsix"
  }
  expect_failures = [coder_script.oneclaw]
}
