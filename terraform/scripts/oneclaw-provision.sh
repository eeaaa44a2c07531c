#!/usr/bin/env bash
# 1Claw for Coder, Terraform-native mode: run by local-exec provisioners of modules/provision on
# the machine that runs `terraform apply` (the Coder provisioner), never inside the workspace.
#
#   create         find or create the vault, create the agent and its policy; write the result
#                  as a Terraform state file (0600) that the module reads back in the same apply.
#                  Any failure rolls back what this run created.
#   destroy-agent  delete the policy and the agent (its ocv_ key stops working at once).
#   destroy-vault  delete the vault, only when auto_destroy_vault is on and this module created it.
#   report PHASE   print the log of PHASE and exit with its status (see below).
#
# Why "report": Terraform hides all output of a provisioner whose configuration holds a
# sensitive value (the master key). The key-holding step therefore runs with on_failure =
# continue and records its log (never a credential) and exit status; a second provisioner
# without secrets prints that log and fails the resource when the first step failed.
#
# Credentials come from the environment only: ONECLAW_MASTER_API_KEY at create; at destroy the
# variable named by ONECLAW_DESTROY_KEY_ENV (default ONECLAW_MASTER_API_KEY), or
# ONECLAW_STORED_MASTER_KEY when store_master_key_for_destroy is on. Without either, destroy
# succeeds only if 1Claw already refuses the agent's own key (ONECLAW_AGENT_API_KEY).
set -euo pipefail
umask 077

OC_LOG_PREFIX="[1claw-provision]"
OC_LIB_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
# shellcheck source=oneclaw-lib.sh
source "$OC_LIB_DIR/oneclaw-lib.sh"

phase="${1:-}"
work_dir="${ONECLAW_WORK_DIR:-.terraform/oneclaw-provision}"
run_id="${ONECLAW_RUN_ID:?ONECLAW_RUN_ID is required}"
[[ "$run_id" =~ ^[A-Za-z0-9_-]+$ ]] || {
  echo "ONECLAW_RUN_ID must be [A-Za-z0-9_-]" >&2
  exit 2
}

log_file() { printf '%s/%s.%s.log' "$work_dir" "$run_id" "$1"; }
status_file() { printf '%s/%s.%s.status' "$work_dir" "$run_id" "$1"; }

if [[ "$phase" == report ]]; then
  target="${2:?usage: oneclaw-provision.sh report PHASE}"
  if [[ ! -f "$(status_file "$target")" ]]; then
    echo "[1claw-provision] the '$target' step left no status; it did not run to completion" >&2
    [[ -f "$(log_file "$target")" ]] && cat "$(log_file "$target")" >&2
    rm -f "$(log_file "$target")"
    exit 1
  fi
  status="$(cat "$(status_file "$target")")"
  cat "$(log_file "$target")" 2>/dev/null || true
  rm -f "$(log_file "$target")" "$(status_file "$target")"
  [[ "$status" == 0 ]] || exit 1
  exit 0
fi

case "$phase" in
  create | destroy-agent | destroy-vault) ;;
  *)
    echo "usage: oneclaw-provision.sh create|destroy-agent|destroy-vault|report PHASE" >&2
    exit 2
    ;;
esac

mkdir -p "$work_dir"
chmod 700 "$work_dir"
rm -f "$(status_file "$phase")"
# Everything this script logs goes to this file, which the report step prints. Nothing logged
# contains a credential.
OC_LOG_FILE="$(log_file "$phase")"
: >"$OC_LOG_FILE"

finish() {
  local status=$?
  oc_logout
  oc_tmp_cleanup
  printf '%s\n' "$status" >"$(status_file "$phase")"
}
trap finish EXIT

die() {
  oc_log "ERROR: $*"
  exit 1
}

OC_BASE_URL="${ONECLAW_BASE_URL:-https://api.1claw.xyz}"
OC_BASE_URL="${OC_BASE_URL%/}"
oc_url_ok "$OC_BASE_URL" || die "base_url must be https (http only for localhost): $OC_BASE_URL"
command -v curl >/dev/null 2>&1 || die "curl is required on the machine that runs terraform"
oc_json_init || die "python3 (or node) is required on the machine that runs terraform"
oc_tmp_init

destroy_key() {
  local name="${ONECLAW_DESTROY_KEY_ENV:-ONECLAW_MASTER_API_KEY}"
  if [[ -n "${ONECLAW_STORED_MASTER_KEY:-}" ]]; then
    printf '%s' "$ONECLAW_STORED_MASTER_KEY"
  elif [[ "$name" =~ ^[A-Za-z_][A-Za-z0-9_]*$ ]]; then
    printf '%s' "${!name:-}"
  fi
}

create() {
  local key="${ONECLAW_MASTER_API_KEY:-}" result="${ONECLAW_RESULT_FILE:?}"
  local marker="${ONECLAW_OWNER_MARKER:-coder-workspace}"
  unset ONECLAW_MASTER_API_KEY
  [[ -n "$key" ]] || die "master_api_key is empty"
  rm -f "$result"
  oc_log "enrolling agent '${ONECLAW_AGENT_NAME:?}' at $OC_BASE_URL"
  oc_enroll "$key" "${ONECLAW_VAULT_NAME:-}" "${ONECLAW_VAULT_ID:-}" "$ONECLAW_AGENT_NAME" \
    "${ONECLAW_AGENT_DESCRIPTION:-Coder workspace agent}" "${ONECLAW_POLICY_PATH:-**}" \
    "${ONECLAW_POLICY_PERMISSIONS:-read}" "${ONECLAW_TOKEN_TTL_SECONDS:-0}" "$marker" ||
    die "provisioning failed at step: $OC_FAILED_STEP. Everything this run created was rolled back."
  if ! printf '%s\n' "$OC_AGENT_KEY" | oc_json state-write "$result" vault_id="$OC_VAULT_ID" \
    agent_id="$OC_AGENT_ID" policy_id="${OC_POLICY_ID:-}" vault_created="$OC_VAULT_CREATED"; then
    oc_log "could not write $result; rolling back what this run created"
    oc_rollback || true
    die "provisioning failed at step: write the result file. Everything this run created was rolled back."
  fi
  OC_AGENT_KEY=""
  # The agent this one replaces (or one left by an interrupted run) must go now: Terraform runs
  # no destroy provisioner for the replaced (deposed) agent_guard. If it cannot be deleted, undo
  # this run so that the next apply tries again, rather than leave a live key behind.
  if ! oc_delete_previous_agents "$ONECLAW_AGENT_NAME" "$marker" "$OC_AGENT_ID" "$OC_VAULT_ID"; then
    oc_log "rolling back what this run created"
    oc_rollback || true
    rm -f "$result"
    die "provisioning failed at step: delete the agent this one replaces. Everything this run created was rolled back."
  fi
  oc_logout
  oc_log "agent ${OC_AGENT_ID} is ready in vault ${OC_VAULT_ID}"
}

destroy_agent() {
  local agent="${ONECLAW_AGENT_ID:-}" policy="${ONECLAW_POLICY_ID:-}" vault="${ONECLAW_VAULT_ID:-}" key
  local agent_key="${ONECLAW_AGENT_API_KEY:-}"
  unset ONECLAW_AGENT_API_KEY
  if [[ -z "$agent" ]]; then
    oc_log "no agent recorded; nothing to delete"
    return 0
  fi
  key="$(destroy_key)"
  if [[ -z "$key" ]]; then
    # Without a human key we can still tell whether the agent is already gone (for instance,
    # deleted by the apply that replaced it): its own key is then refused.
    if oc_agent_key_refused "$agent_key"; then
      oc_log "agent $agent is already gone (1Claw refuses its key)"
      return 0
    fi
    die "cannot delete 1Claw agent $agent: set ${ONECLAW_DESTROY_KEY_ENV:-ONECLAW_MASTER_API_KEY} (a 1ck_ key) in the environment of terraform destroy and retry, or delete the agent in the 1Claw dashboard first (see the module README, 'Terraform-native')."
  fi
  oc_login_human "$key" || die "cannot delete agent $agent: $OC_FAILED_STEP"
  local failed=0
  if [[ -n "$policy" && -n "$vault" ]]; then
    oc_delete "policy $policy" "/v1/vaults/$vault/policies/$policy" || true
  fi
  oc_delete "agent $agent (its API key is revoked)" "/v1/agents/$agent" || failed=1
  oc_logout
  ((failed == 0)) || die "agent $agent was not deleted; retry terraform destroy"
}

destroy_vault() {
  local vault="${ONECLAW_VAULT_ID:-}" marker="${ONECLAW_OWNER_MARKER:-}" key description
  if [[ "${ONECLAW_AUTO_DESTROY_VAULT:-false}" != true ]]; then
    [[ -z "$vault" ]] || oc_log "keeping vault $vault (auto_destroy_vault is off)"
    return 0
  fi
  [[ -n "$vault" ]] || return 0
  key="$(destroy_key)"
  [[ -n "$key" ]] || die "cannot delete 1Claw vault $vault: set ${ONECLAW_DESTROY_KEY_ENV:-ONECLAW_MASTER_API_KEY} in the environment of terraform destroy and retry."
  oc_login_human "$key" || die "cannot delete vault $vault: $OC_FAILED_STEP"
  if ! oc_http GET "/v1/vaults/$vault"; then
    if [[ "$OC_HTTP_STATUS" == 404 ]]; then
      oc_log "vault $vault is already gone"
    else
      oc_warn "could not look up vault $vault ($(oc_http_reason)); it was kept"
    fi
  else
    description="$(printf '%s' "$OC_HTTP_BODY" | oc_json get description 2>/dev/null || true)"
    if [[ -n "$marker" && "$description" == *"($marker)"* ]]; then
      oc_delete "vault $vault" "/v1/vaults/$vault" || oc_warn "vault $vault was kept"
    else
      oc_log "keeping vault $vault: this workspace did not create it"
    fi
  fi
  oc_logout
}

case "$phase" in
  create) create ;;
  destroy-agent) destroy_agent ;;
  destroy-vault) destroy_vault ;;
esac
