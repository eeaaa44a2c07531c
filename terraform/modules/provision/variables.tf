# Inputs of the provisioning sub-module. The calling module checks the formats of the sensitive
# inputs (a failing validation block would print the value it refers to).

variable "api_key" {
  description = "Human 1Claw API key (1ck_), the Bearer of every call at apply; never written to disk or to a command line."
  type        = string
  sensitive   = true
}

variable "base_url" {
  description = "1Claw API base URL (https; plain http only for localhost)."
  type        = string

  validation {
    condition     = can(regex("^(https://[A-Za-z0-9.-]+|http://(127\\.0\\.0\\.1|localhost|\\[::1\\]))(:[0-9]{1,5})?(/[^\\s\"'\\\\`$@]*)?$", var.base_url))
    error_message = "base_url must be an https URL without user info (plain http only for 127.0.0.1, localhost or [::1])."
  }
}

variable "vault_name" {
  description = "Name of the vault to reuse or create; ignored when vault_id is set."
  type        = string
}

variable "vault_id" {
  description = "An existing vault to bind the agent to; empty to find or create vault_name."
  type        = string
  default     = ""
}

variable "agent_name" {
  description = "Name of the agent to create."
  type        = string
}

variable "agent_description" {
  description = "Description recorded on the agent (this workspace's marker is appended)."
  type        = string
  default     = "Coder workspace agent"
}

variable "policy_path" {
  description = "Secret path pattern the agent's policy grants."
  type        = string
  default     = "**"
}

variable "policy_permissions" {
  description = "Permissions the policy grants (read, write, delete)."
  type        = list(string)
  default     = ["read"]
}

variable "token_ttl_seconds" {
  description = "Lifetime of the agent's JWTs in seconds; 0 for the 1Claw default."
  type        = number
  default     = 0
}

variable "auto_destroy_vault" {
  description = "On destroy, also delete the vault, if this workspace created it (it carries owner_marker)."
  type        = bool
  default     = false
}

variable "store_key_for_destroy" {
  description = "Keep api_key (sensitive) in Terraform state so that destroy needs no environment variable."
  type        = bool
  default     = false
}

variable "destroy_key_env" {
  description = "Environment variable of the Terraform process that holds a 1ck_ key when the agent is destroyed."
  type        = string
  default     = "ONECLAW_MASTER_API_KEY"

  validation {
    condition     = can(regex("^[A-Za-z_][A-Za-z0-9_]*$", var.destroy_key_env))
    error_message = "destroy_key_env must be an environment variable name."
  }
}

variable "owner_marker" {
  description = "This workspace's marker (oneclaw-instance:coder-workspace:<id>), written into what this module creates; earlier agents and a vault to delete are recognised by it."
  type        = string
}

variable "instance_key" {
  description = "Identifies this module instance (the Coder workspace id); names its working directory."
  type        = string
}

variable "retry_budget_seconds" {
  description = "How long one API step keeps retrying (rate limits, outages) before it fails."
  type        = number
  default     = 600

  validation {
    condition     = var.retry_budget_seconds >= 10 && var.retry_budget_seconds <= 7200
    error_message = "retry_budget_seconds must be between 10 and 7200."
  }
}
