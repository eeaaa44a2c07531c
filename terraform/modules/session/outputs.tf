output "token" {
  description = "The short-lived human session (a JWT), for _ONECLAW_BOOTSTRAP_SESSION only."
  value       = terraform_data.session.triggers_replace.token
  sensitive   = true
}

output "expires_in" {
  description = "Lifetime of the session in seconds, as 1Claw answered at the exchange."
  value       = terraform_data.session.triggers_replace.expires_in
}
