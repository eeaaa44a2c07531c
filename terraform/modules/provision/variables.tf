variable "master_api_key" {
  type      = string
  sensitive = true
  # Checked by the calling module: a failing validation would print the key.
  description = "Human 1Claw API key (1ck_) used at apply to create the vault, agent and policy."
}

variable "base_url" {
  type        = string
  description = "1Claw API base URL."
}

variable "vault_name" {
  type        = string
  description = "Name of the vault to find or create (ignored when vault_id is set)."
}

variable "vault_id" {
  type        = string
  default     = ""
  description = "Existing vault to bind the agent to; empty to find or create vault_name."
}

variable "agent_name" {
  type        = string
  description = "Name of the agent to create."
}

variable "agent_description" {
  type        = string
  default     = "Coder workspace agent"
  description = "Description recorded on the agent."
}

variable "policy_path" {
  type        = string
  default     = "**"
  description = "Secret path pattern the agent's policy grants."
}

variable "policy_permissions" {
  type        = list(string)
  default     = ["read"]
  description = "Permissions the policy grants (read, write, delete)."
}

variable "token_ttl_seconds" {
  type        = number
  default     = 0
  description = "Lifetime of the agent's JWTs in seconds; 0 for the 1Claw default."
}

variable "auto_destroy_vault" {
  type        = bool
  default     = false
  description = "On destroy, also delete the vault, if this module created it."
}

variable "store_master_key_for_destroy" {
  type        = bool
  default     = false
  description = "Keep master_api_key (sensitive) in Terraform state so that destroy needs no environment variable."
}

variable "destroy_key_env" {
  type        = string
  default     = "ONECLAW_MASTER_API_KEY"
  description = "Environment variable that holds a 1ck_ key when terraform destroy runs."

  validation {
    condition     = can(regex("^[A-Za-z_][A-Za-z0-9_]*$", var.destroy_key_env))
    error_message = "destroy_key_env must be an environment variable name."
  }
}

variable "owner_marker" {
  type        = string
  description = "Marker written into the description of a vault this module creates (e.g. coder-workspace:<id>); destroy deletes only vaults that carry it."
}

variable "instance_key" {
  type        = string
  description = "Identifies this module instance (e.g. the Coder workspace id); names the temporary result file."
}
