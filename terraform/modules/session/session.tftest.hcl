# Runs for real against a 1Claw API (see ../provision/provision.tftest.hcl for how).

variables {
  instance_key         = "tftest-session"
  retry_budget_seconds = 30
}

run "exchanges_the_key_once" {
  command = apply

  assert {
    condition     = startswith(output.token, "eyJ") && output.expires_in > 0
    error_message = "no session token"
  }
}

run "reapply_keeps_the_session" {
  command = apply

  assert {
    condition     = output.token == run.exchanges_the_key_once.token
    error_message = "the key was exchanged again"
  }
}

run "rejects_user_info_in_base_url" {
  command = plan

  variables {
    base_url = "https://api.1claw.xyz@198.51.100.7"
  }
  expect_failures = [var.base_url]
}
