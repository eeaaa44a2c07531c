variable "api_key" {
  description = "Human 1Claw API key (1ck_) to exchange once for a short-lived session."
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

variable "instance_key" {
  description = "Identifies the workspace: the exchange happens once per value."
  type        = string
}

variable "retry_budget_seconds" {
  description = "How long the exchange keeps retrying (the auth routes allow about 1 request a second) before it fails."
  type        = number
  default     = 600

  validation {
    condition     = var.retry_budget_seconds >= 10 && var.retry_budget_seconds <= 7200
    error_message = "retry_budget_seconds must be between 10 and 7200."
  }
}
