# shellcheck shell=bash
# Shared by oneclaw-workspace.sh (inside the workspace) and oneclaw-provision.sh (on the
# machine that runs Terraform): talking to the 1Claw API and enrolling an agent.
#
# Credentials never reach a process argument list or a log:
#   - request bodies that carry a key are produced by printf (a bash builtin) into curl's stdin;
#   - bearer tokens reach curl through a 0600 config file (-K) in a private temp dir;
#   - JSON is parsed by oneclaw-json.{py,js}, which reads secrets from stdin.
# Callers set: OC_LIB_DIR (where the oneclaw-json helpers are), OC_BASE_URL, OC_LOG_PREFIX.

OC_UUID_RE='^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$'
OC_TMP=""
OC_JSON=()
OC_HTTP_STATUS=""
OC_HTTP_BODY=""
OC_CURL_EXIT=0
OC_FAILED_STEP=""

# Logs go to stderr, or only to $OC_LOG_FILE when that is set (the provisioner's report step
# prints that file).
oc_log() {
  local line
  printf -v line '%s %s' "${OC_LOG_PREFIX:-[1claw]}" "$*"
  if [[ -n "${OC_LOG_FILE:-}" ]]; then
    printf '%s\n' "$line" >>"$OC_LOG_FILE"
  else
    printf '%s\n' "$line" >&2
  fi
}

oc_warn() {
  oc_log "WARNING: $*"
}

oc_is_uuid() {
  [[ "$1" =~ $OC_UUID_RE ]]
}

oc_is_agent_key() {
  [[ "$1" =~ ^ocv_[A-Za-z0-9_-]+$ ]]
}

oc_is_human_key() {
  [[ "$1" =~ ^1ck_[A-Za-z0-9_-]+$ ]]
}

# https everywhere; plain http only for the local machine (tests, local emulators).
oc_url_ok() {
  case "$1" in
    *[[:space:]\"\'\\]*) return 1 ;;
    https://?*) return 0 ;;
    http://127.0.0.1 | http://127.0.0.1[:/]* | http://localhost | http://localhost[:/]* | http://\[::1\] | http://\[::1\][:/]*) return 0 ;;
    *) return 1 ;;
  esac
}

oc_tmp_init() {
  OC_TMP="$(mktemp -d "${TMPDIR:-/tmp}/1claw.XXXXXX")"
  chmod 700 "$OC_TMP"
}

oc_tmp_cleanup() {
  if [[ -n "$OC_TMP" && -d "$OC_TMP" ]]; then
    rm -rf "$OC_TMP"
  fi
}

# Picks python3, else node, for every JSON operation (ONECLAW_JSON_RUNTIME=python3|node forces one).
oc_json_init() {
  local wanted="${ONECLAW_JSON_RUNTIME:-auto}"
  if [[ "$wanted" != node ]] && command -v python3 >/dev/null 2>&1 && python3 -c 'import sys; sys.exit(sys.version_info < (3, 6))' 2>/dev/null; then
    OC_JSON=(python3 -I "$OC_LIB_DIR/oneclaw-json.py")
    return 0
  fi
  if [[ "$wanted" != python3 ]] && command -v node >/dev/null 2>&1; then
    OC_JSON=(node "$OC_LIB_DIR/oneclaw-json.js")
    return 0
  fi
  return 1
}

oc_json() {
  "${OC_JSON[@]}" "$@"
}

# oc_http METHOD PATH [BODY] -> OC_HTTP_STATUS (000 when unreachable), OC_HTTP_BODY; 0 on 2xx.
# Uses $OC_TMP/auth.cfg (bearer token) when present. GET/DELETE are retried on 429/5xx and
# connection failures; POST only when the request cannot have been processed (429, refused).
oc_http() {
  local method="$1" path="$2" body="${3-}" attempt output wait auth_args=() body_args=()
  local proto='=https'
  [[ "$OC_BASE_URL" == http://* ]] && proto='=http,https'
  [[ -f "$OC_TMP/auth.cfg" ]] && auth_args=(--config "$OC_TMP/auth.cfg")
  [[ -n "$body" ]] && body_args=(--header 'Content-Type: application/json' --data-binary @-)
  for attempt in 1 2 3; do
    OC_CURL_EXIT=0
    output="$(printf '%s' "$body" | curl --silent --show-error --proto "$proto" \
      --connect-timeout 10 --max-time 30 --user-agent '1claw-coder-module' \
      --header 'Accept: application/json' "${auth_args[@]}" "${body_args[@]}" \
      --dump-header "$OC_TMP/headers" --request "$method" --write-out '\n%{http_code}' \
      "$OC_BASE_URL$path" 2>"$OC_TMP/curl.err")" || OC_CURL_EXIT=$?
    if ((OC_CURL_EXIT != 0)); then
      OC_HTTP_STATUS=000
      OC_HTTP_BODY=""
    else
      OC_HTTP_STATUS="${output##*$'\n'}"
      OC_HTTP_BODY="${output%$'\n'*}"
    fi
    [[ "$OC_HTTP_STATUS" == 2?? ]] && return 0
    ((attempt < 3)) || break
    case "$method:$OC_HTTP_STATUS:$OC_CURL_EXIT" in
      *:429:* | GET:5??:* | DELETE:5??:* | GET:000:* | DELETE:000:* | *:000:7) ;;
      *) break ;;
    esac
    wait="$(sed -n 's/^[Rr]etry-[Aa]fter:[[:space:]]*\([0-9][0-9]*\).*/\1/p' "$OC_TMP/headers" 2>/dev/null | head -n 1)"
    wait="${wait:-$attempt}"
    ((wait > 10)) && wait=10
    sleep "$wait"
  done
  return 1
}

# One line saying why the last request failed, never including a credential.
oc_http_reason() {
  if [[ "$OC_HTTP_STATUS" == 000 ]]; then
    printf 'could not reach %s (%s)' "$OC_BASE_URL" "$(head -c 300 "$OC_TMP/curl.err" 2>/dev/null | tr '\n' ' ' | sed 's/[[:space:]]*$//')"
    return 0
  fi
  local detail
  detail="$(printf '%s' "$OC_HTTP_BODY" | oc_json problem 2>/dev/null || true)"
  printf 'HTTP %s%s' "$OC_HTTP_STATUS" "${detail:+: $detail}"
}

oc_step_failed() {
  OC_FAILED_STEP="$1: $(oc_http_reason)"
  oc_log "step '$1' failed: $(oc_http_reason)"
}

# Exchanges a human 1ck_ key for a short-lived JWT, once. The key is a function argument (no
# process sees it in argv) and goes to curl on stdin.
oc_login_human() {
  local key="$1" token
  oc_is_human_key "$key" || {
    OC_FAILED_STEP="the human API key is not a 1ck_ key"
    oc_log "$OC_FAILED_STEP"
    return 1
  }
  rm -f "$OC_TMP/auth.cfg"
  if ! oc_http POST /v1/auth/api-key-token "$(printf '{"api_key":"%s"}' "$key")"; then
    oc_step_failed "exchange the human API key"
    return 1
  fi
  token="$(printf '%s' "$OC_HTTP_BODY" | oc_json get access_token)" || {
    OC_FAILED_STEP="exchange the human API key: no access_token in the response"
    oc_log "$OC_FAILED_STEP"
    return 1
  }
  OC_HTTP_BODY=""
  [[ "$token" =~ ^[A-Za-z0-9._-]+$ ]] || {
    OC_FAILED_STEP="exchange the human API key: malformed access_token"
    oc_log "$OC_FAILED_STEP"
    return 1
  }
  printf 'header = "Authorization: Bearer %s"\n' "$token" >"$OC_TMP/auth.cfg"
  chmod 600 "$OC_TMP/auth.cfg"
}

# Always called at the end: revokes the human JWT (DELETE /v1/auth/token).
oc_logout() {
  [[ -f "$OC_TMP/auth.cfg" ]] || return 0
  if oc_http DELETE /v1/auth/token; then
    oc_log "revoked the short-lived human token"
  else
    oc_warn "could not revoke the short-lived human token ($(oc_http_reason)); it expires on its own"
  fi
  rm -f "$OC_TMP/auth.cfg"
}

# oc_ensure_vault NAME EXPLICIT_ID DESCRIPTION -> OC_VAULT_ID, OC_VAULT_CREATED (0|1)
oc_ensure_vault() {
  local name="$1" explicit="$2" description="$3" found
  OC_VAULT_CREATED=0
  if [[ -n "$explicit" ]]; then
    if ! oc_http GET "/v1/vaults/$explicit"; then
      oc_step_failed "find vault $explicit"
      return 1
    fi
    OC_VAULT_ID="$explicit"
    oc_log "using vault $OC_VAULT_ID"
    return 0
  fi
  if ! oc_http GET /v1/vaults; then
    oc_step_failed "list vaults"
    return 1
  fi
  if found="$(printf '%s' "$OC_HTTP_BODY" | oc_json find-id vaults name "$name")"; then
    OC_VAULT_ID="$found"
    oc_log "reusing vault '$name' ($OC_VAULT_ID)"
    return 0
  fi
  if oc_http POST /v1/vaults "$(oc_json object name="$name" description="$description")"; then
    OC_VAULT_ID="$(printf '%s' "$OC_HTTP_BODY" | oc_json get id)" || {
      OC_FAILED_STEP="create vault: no id in the response"
      return 1
    }
    OC_VAULT_CREATED=1
    oc_log "created vault '$name' ($OC_VAULT_ID)"
    return 0
  fi
  if [[ "$OC_HTTP_STATUS" == 409 ]] && oc_http GET /v1/vaults &&
    found="$(printf '%s' "$OC_HTTP_BODY" | oc_json find-id vaults name "$name")"; then
    OC_VAULT_ID="$found"
    oc_log "reusing vault '$name' ($OC_VAULT_ID), created concurrently"
    return 0
  fi
  oc_step_failed "create vault '$name'"
  return 1
}

# oc_create_agent NAME DESCRIPTION VAULT_ID TTL_SECONDS -> OC_AGENT_ID, OC_AGENT_KEY (not exported)
oc_create_agent() {
  local name="$1" description="$2" vault="$3" ttl="$4" body
  if [[ "$ttl" =~ ^[1-9][0-9]*$ ]]; then
    body="$(oc_json object name="$name" description="$description" vault_ids:="[\"$vault\"]" token_ttl_seconds:="$ttl")"
  else
    body="$(oc_json object name="$name" description="$description" vault_ids:="[\"$vault\"]")"
  fi
  if ! oc_http POST /v1/agents "$body"; then
    oc_step_failed "create agent '$name'"
    return 1
  fi
  OC_AGENT_ID="$(printf '%s' "$OC_HTTP_BODY" | oc_json get agent.id)" || OC_AGENT_ID=""
  OC_AGENT_KEY="$(printf '%s' "$OC_HTTP_BODY" | oc_json get api_key)" || OC_AGENT_KEY=""
  OC_HTTP_BODY=""
  if ! oc_is_uuid "$OC_AGENT_ID"; then
    OC_FAILED_STEP="create agent '$name': no agent id in the response"
    oc_log "$OC_FAILED_STEP"
    return 1
  fi
  OC_CREATED_AGENT="$OC_AGENT_ID"
  if ! oc_is_agent_key "$OC_AGENT_KEY"; then
    OC_FAILED_STEP="create agent '$name': the response held no ocv_ API key (is the agent's auth_method api_key?)"
    oc_log "$OC_FAILED_STEP"
    return 1
  fi
  oc_log "created agent '$name' ($OC_AGENT_ID) bound to vault $vault"
}

# oc_create_policy VAULT_ID AGENT_ID PATTERN PERMISSIONS_CSV -> OC_POLICY_ID
oc_create_policy() {
  local vault="$1" agent="$2" pattern="$3" permissions="$4" list
  list="[\"${permissions//,/\",\"}\"]"
  if ! oc_http POST "/v1/vaults/$vault/policies" \
    "$(oc_json object secret_path_pattern="$pattern" principal_type=agent principal_id="$agent" permissions:="$list")"; then
    oc_step_failed "create policy '$pattern'"
    return 1
  fi
  OC_POLICY_ID="$(printf '%s' "$OC_HTTP_BODY" | oc_json get id)" || OC_POLICY_ID=""
  OC_CREATED_POLICY="$OC_POLICY_ID"
  oc_log "granted $permissions on '$pattern' in vault $vault to the agent"
}

oc_delete() {
  local what="$1" path="$2"
  if oc_http DELETE "$path" || [[ "$OC_HTTP_STATUS" == 404 ]]; then
    oc_log "deleted $what"
    return 0
  fi
  oc_warn "could not delete $what: $(oc_http_reason)"
  return 1
}

# Undoes what this run created, newest first.
oc_rollback() {
  local ok=0
  if [[ -n "${OC_CREATED_POLICY:-}" ]]; then
    oc_delete "policy $OC_CREATED_POLICY" "/v1/vaults/$OC_VAULT_ID/policies/$OC_CREATED_POLICY" || ok=1
  fi
  if [[ -n "${OC_CREATED_AGENT:-}" ]]; then
    oc_delete "agent $OC_CREATED_AGENT" "/v1/agents/$OC_CREATED_AGENT" || ok=1
  fi
  if [[ "${OC_VAULT_CREATED:-0}" == 1 ]]; then
    oc_delete "vault $OC_VAULT_ID" "/v1/vaults/$OC_VAULT_ID" || ok=1
  fi
  OC_CREATED_POLICY=""
  OC_CREATED_AGENT=""
  OC_VAULT_CREATED=0
  return "$ok"
}

# Deletes the agents named NAME whose description carries "(MARKER)", except KEEP_ID, with their
# policies in VAULT_ID: earlier agents of this same workspace (replaced, or whose key was lost).
# Returns non-zero when one may be left.
oc_delete_previous_agents() {
  local name="$1" marker="$2" keep="$3" vault="$4" previous policies old policy status=0
  if ! oc_http GET /v1/agents; then
    oc_warn "could not list agents to remove earlier ones of this workspace: $(oc_http_reason)"
    return 1
  fi
  previous="$(printf '%s' "$OC_HTTP_BODY" | oc_json find-all agents "name=$name" "description~($marker)")" || previous=""
  for old in $previous; do
    if [[ "$old" == "$keep" ]] || ! oc_is_uuid "$old"; then
      continue
    fi
    if oc_http GET "/v1/vaults/$vault/policies"; then
      policies="$(printf '%s' "$OC_HTTP_BODY" | oc_json find-all policies "principal_id=$old")" || policies=""
      for policy in $policies; do
        oc_is_uuid "$policy" || continue
        oc_delete "policy $policy of an earlier agent" "/v1/vaults/$vault/policies/$policy" || true
      done
    fi
    oc_delete "earlier agent $old of this workspace" "/v1/agents/$old" || status=1
  done
  return "$status"
}

# oc_enroll HUMAN_KEY VAULT_NAME VAULT_ID AGENT_NAME DESCRIPTION POLICY_PATH PERMISSIONS TTL MARKER
# Exchanges the key once, finds or creates the vault, creates the agent (its description ends
# with "(MARKER)") and its policy. On failure it rolls back what it created. The human token
# stays valid for the caller's next steps: the caller must call oc_logout (also on failure).
oc_enroll() {
  local key="$1" vault_name="$2" vault_id="$3" agent_name="$4" description="$5"
  local policy_path="$6" permissions="$7" ttl="$8" marker="$9"
  OC_CREATED_POLICY=""
  OC_CREATED_AGENT=""
  OC_VAULT_CREATED=0
  OC_FAILED_STEP=""
  oc_login_human "$key" || return 1
  if ! oc_ensure_vault "$vault_name" "$vault_id" "Created by the 1Claw Coder module ($marker)" ||
    ! oc_create_agent "$agent_name" "$description ($marker)" "$OC_VAULT_ID" "$ttl" ||
    ! oc_create_policy "$OC_VAULT_ID" "$OC_AGENT_ID" "$policy_path" "$permissions"; then
    oc_log "rolling back what this run created"
    oc_rollback || oc_warn "rollback was incomplete: check the 1Claw dashboard for agent '$agent_name'"
    OC_AGENT_KEY=""
    return 1
  fi
}

# Is the agent behind this ocv_ key gone (deleted or deactivated)? Used at destroy time when no
# human key is available: a key the API refuses needs no cleanup.
oc_agent_key_refused() {
  local key="$1" token
  oc_is_agent_key "$key" || return 1
  rm -f "$OC_TMP/auth.cfg"
  if ! oc_http POST /v1/auth/agent-token "$(printf '{"api_key":"%s"}' "$key")"; then
    [[ "$OC_HTTP_STATUS" == 401 ]]
    return
  fi
  token="$(printf '%s' "$OC_HTTP_BODY" | oc_json get access_token 2>/dev/null)" || token=""
  OC_HTTP_BODY=""
  if [[ "$token" =~ ^[A-Za-z0-9._-]+$ ]]; then
    printf 'header = "Authorization: Bearer %s"\n' "$token" >"$OC_TMP/auth.cfg"
    oc_http DELETE /v1/auth/token || true
    rm -f "$OC_TMP/auth.cfg"
  fi
  return 1
}
