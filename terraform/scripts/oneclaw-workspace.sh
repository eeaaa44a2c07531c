#!/usr/bin/env bash
# 1Claw for Coder: runs at every workspace start (started by the module's coder_script).
#
#  1. installs the MCP headers helper (~/.1claw/bin/oneclaw-mcp-headers) and, if configured,
#     the 1Claw extension (.vsix) into code-server / VS Code Server;
#  2. finds the workspace's agent credentials, first match wins:
#       ONECLAW_AGENT_API_KEY (+ ONECLAW_VAULT_ID) in the environment (manual, Terraform-native)
#       the cache ~/.1claw/agent.json (also migrated from the published module's caches)
#       bootstrap from _ONECLAW_HUMAN_API_KEY: vault + agent + policy, then cached (0600)
#  3. writes the same MCP entry the extension writes into Cursor's and Claude Code's configs.
#
# No credential is ever put in a process argument list, a rendered script or a log.
set -euo pipefail
umask 077

# The human key: read it, then drop it from the environment before any command runs.
human_key="${_ONECLAW_HUMAN_API_KEY-}"
unset _ONECLAW_HUMAN_API_KEY
if [[ "${ONECLAW_HUMAN_KEY_ON_STDIN-}" == 1 ]]; then
  IFS= read -r human_key || true
fi
unset ONECLAW_HUMAN_KEY_ON_STDIN

OC_LOG_PREFIX="[1claw]"
OC_LIB_DIR="${ONECLAW_CFG_LIB_DIR:-$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)}"
# shellcheck source=oneclaw-lib.sh
source "$OC_LIB_DIR/oneclaw-lib.sh"

: "${HOME:?HOME must be set}"
state_dir="$HOME/.1claw"
cache_file="$state_dir/agent.json"
lock_file="$cache_file.lock"
helper_path="$state_dir/bin/oneclaw-mcp-headers"
legacy_caches=("$HOME/.coder-modules/kmjones1979/oneclaw/bootstrap.json" "$HOME/.1claw/bootstrap.json")

server_name="${ONECLAW_CFG_SERVER_NAME:-1claw}"
base_url="${ONECLAW_BASE_URL:-${ONECLAW_CFG_BASE_URL:-https://api.1claw.xyz}}"
base_url="${base_url%/}"
mcp_url="${ONECLAW_MCP_URL:-${ONECLAW_CFG_MCP_URL:-https://mcp.1claw.xyz/mcp}}"
OC_BASE_URL="$base_url"
lock_held=0

die() {
  oc_log "ERROR: $*"
  exit 1
}

cleanup() {
  if ((lock_held)); then
    rm -f "$lock_file"
  fi
  if [[ -n "$OC_TMP" ]]; then
    oc_logout
  fi
  oc_tmp_cleanup
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# Config paths may start with a literal $HOME or ~ (as in the published module); nothing else is
# expanded (no eval).
expand_home() {
  # shellcheck disable=SC2016,SC2088 # these patterns match the literal text
  case "$1" in
    '$HOME') printf '%s' "$HOME" ;;
    '$HOME/'*) printf '%s/%s' "$HOME" "${1#\$HOME/}" ;;
    '~') printf '%s' "$HOME" ;;
    '~/'*) printf '%s/%s' "$HOME" "${1#\~/}" ;;
    *) printf '%s' "$1" ;;
  esac
}

# The helper path as Claude Code's headersHelper runs it (a shell command): POSIX single-quoted
# only when it holds characters outside [A-Za-z0-9_@%+=:,./-].
shell_word() {
  if [[ "$1" =~ ^[A-Za-z0-9_@%+=:,./-]+$ ]]; then
    printf '%s' "$1"
  else
    printf "'%s'" "${1//\'/\'\\\'\'}"
  fi
}

install_file() { # install_file SOURCE TARGET MODE
  local tmp
  mkdir -p "$(dirname "$2")"
  chmod 700 "$(dirname "$2")"
  tmp="$(mktemp "$(dirname "$2")/.1claw.XXXXXX")"
  cat "$1" >"$tmp"
  chmod "$3" "$tmp"
  mv -f "$tmp" "$2"
}

install_helper() {
  local source="${ONECLAW_CFG_HELPER_SOURCE:-$OC_LIB_DIR/oneclaw-mcp-headers.sh}"
  if [[ ! -f "$source" ]]; then
    oc_warn "the MCP headers helper is missing from this module ($source)"
    return 0
  fi
  if [[ -f "$helper_path" ]] && cmp -s "$source" "$helper_path"; then
    chmod 700 "$helper_path"
    return 0
  fi
  install_file "$source" "$helper_path" 700
  oc_log "installed the MCP headers helper at $helper_path"
}

# ---- the extension (.vsix) -------------------------------------------------------------------

editor_clis() {
  local candidate
  command -v code-server 2>/dev/null || true
  for candidate in /tmp/code-server/bin/code-server \
    "$HOME"/.vscode-server/bin/*/bin/code-server \
    "$HOME"/.vscode-server/cli/servers/*/server/bin/code-server \
    "$HOME"/.cursor-server/bin/*/bin/cursor-server \
    "$HOME"/.cursor-server/cli/servers/*/server/bin/cursor-server; do
    [[ -x "$candidate" ]] && printf '%s\n' "$candidate"
  done
  return 0
}

install_vsix_into_editors() { # install_vsix_into_editors VSIX -> 0 when at least one editor took it
  local cli installed=1
  while IFS= read -r cli; do
    [[ -n "$cli" ]] || continue
    if "$cli" --install-extension "$1" --force >/dev/null 2>&1; then
      oc_log "installed the 1Claw extension with $cli"
      installed=0
    else
      oc_warn "$cli could not install the 1Claw extension from $1"
    fi
  done < <(editor_clis | awk '!seen[$0]++')
  return "$installed"
}

install_extension() {
  local source="${ONECLAW_CFG_VSIX:-}" expected="${ONECLAW_CFG_VSIX_SHA256:-}"
  local wait_seconds="${ONECLAW_CFG_VSIX_WAIT_SECONDS:-120}" target="$state_dir/extension/1claw.vsix" download actual
  [[ -n "$source" ]] || return 0
  mkdir -p "$state_dir/extension"
  chmod 700 "$state_dir" "$state_dir/extension"
  case "$source" in
    https://* | http://*)
      if ! oc_url_ok "$source"; then
        oc_warn "not downloading the extension from $source: the URL must be https"
        return 0
      fi
      download="$(mktemp "$state_dir/extension/.download.XXXXXX")"
      if ! curl --silent --show-error --fail --location --proto '=https,http' --proto-redir '=https' \
        --max-time 120 --output "$download" "$source"; then
        rm -f "$download"
        oc_warn "could not download the 1Claw extension from $source"
        return 0
      fi
      ;;
    *)
      source="$(expand_home "$source")"
      if [[ ! -f "$source" ]]; then
        oc_warn "the 1Claw extension file $source does not exist"
        return 0
      fi
      download="$(mktemp "$state_dir/extension/.copy.XXXXXX")"
      cat "$source" >"$download"
      ;;
  esac
  if [[ -n "$expected" ]]; then
    if ! command -v sha256sum >/dev/null 2>&1; then
      rm -f "$download"
      oc_warn "sha256sum is not installed, so the 1Claw extension's checksum cannot be verified: not installed"
      return 0
    fi
    actual="$(sha256sum "$download" | cut -d ' ' -f 1)"
    if [[ "$actual" != "${expected,,}" ]]; then
      rm -f "$download"
      oc_warn "the 1Claw extension's SHA-256 is $actual, expected $expected: not installed"
      return 0
    fi
  fi
  chmod 600 "$download"
  mv -f "$download" "$target"
  if install_vsix_into_editors "$target"; then
    return 0
  fi
  if ((wait_seconds <= 0)); then
    oc_log "no code-server or VS Code Server found; install $target with 'code --install-extension'"
    return 0
  fi
  # The editor may still be installing (modules start in parallel): wait for it in the background.
  mkdir -p "$state_dir/logs"
  oc_log "no editor found yet; waiting up to ${wait_seconds}s in the background (log: $state_dir/logs/extension-install.log)"
  (
    trap - EXIT
    deadline=$((SECONDS + wait_seconds))
    while ((SECONDS < deadline)); do
      sleep 3
      install_vsix_into_editors "$target" && exit 0
    done
    oc_log "gave up after ${wait_seconds}s: install $target with 'code --install-extension'"
  ) </dev/null >>"$state_dir/logs/extension-install.log" 2>&1 &
  disown || true
}

# ---- credentials -----------------------------------------------------------------------------

read_cache() { # read_cache FILE -> cache_vault, cache_agent, cache_key, cache_base_url
  local out="$OC_TMP/cache.lines"
  oc_json cache-read "$1" >"$out" 2>/dev/null || {
    rm -f "$out"
    return 1
  }
  {
    IFS= read -r cache_vault
    IFS= read -r cache_agent
    IFS= read -r cache_key
    IFS= read -r cache_base_url
  } <"$out"
  rm -f "$out"
}

write_cache() { # write_cache VAULT AGENT (key in $OC_AGENT_KEY)
  printf '%s\n' "$OC_AGENT_KEY" | oc_json cache-write "$cache_file" vault_id="$1" agent_id="$2" \
    vault_name="${ONECLAW_CFG_VAULT_NAME:-}" agent_name="${ONECLAW_CFG_AGENT_NAME:-}" base_url="$base_url"
}

lock_owner_alive() {
  local pid
  pid="$(head -c 32 "$lock_file" 2>/dev/null | tr -cd '0-9')"
  [[ -n "$pid" ]] && kill -0 "$pid" 2>/dev/null
}

# The extension may bootstrap at the same moment: both take <cache>.lock (O_EXCL, holding the
# pid); whoever gets it writes the cache and the other one reuses it.
acquire_lock() {
  local waited=0
  mkdir -p "$state_dir"
  chmod 700 "$state_dir"
  while ! (set -o noclobber && printf '%s\n' "$$" >"$lock_file") 2>/dev/null; do
    if ! lock_owner_alive; then
      oc_log "removing a stale lock left by a process that is gone"
      rm -f "$lock_file"
      continue
    fi
    if ((waited >= 90)); then
      oc_log "another process has held $lock_file for 90s; giving up"
      return 1
    fi
    ((waited == 0)) && oc_log "waiting for another 1Claw bootstrap (the extension?) to finish"
    sleep 1
    waited=$((waited + 1))
  done
  lock_held=1
}

release_lock() {
  rm -f "$lock_file"
  lock_held=0
}

migrate_legacy_cache() {
  local legacy
  for legacy in "${legacy_caches[@]}"; do
    [[ -f "$legacy" ]] || continue
    if read_cache "$legacy"; then
      OC_AGENT_KEY="$cache_key"
      write_cache "$cache_vault" "$cache_agent"
      OC_AGENT_KEY=""
      oc_log "migrated the agent credentials from $legacy to $cache_file"
      return 0
    fi
  done
  return 1
}

bootstrap() {
  local permissions="${ONECLAW_CFG_PERMISSIONS:-read}" agent_name="${ONECLAW_CFG_AGENT_NAME:-coder-workspace}"
  local marker="${ONECLAW_CFG_OWNER_MARKER:-coder-workspace}"
  oc_log "bootstrapping: enrolling this workspace with 1Claw at $base_url"
  if ! oc_enroll "$human_key" "${ONECLAW_CFG_VAULT_NAME:-coder-workspace}" "${ONECLAW_CFG_VAULT_ID:-}" \
    "$agent_name" "${ONECLAW_CFG_AGENT_DESCRIPTION:-Coder workspace agent}" \
    "${ONECLAW_CFG_POLICY_PATH:-**}" "$permissions" "${ONECLAW_CFG_TOKEN_TTL_SECONDS:-0}" "$marker"; then
    oc_logout
    return 1
  fi
  if ! write_cache "$OC_VAULT_ID" "$OC_AGENT_ID"; then
    OC_FAILED_STEP="write $cache_file"
    oc_log "could not write $cache_file; rolling back what this run created"
    oc_rollback || true
    oc_logout
    return 1
  fi
  OC_AGENT_KEY=""
  # This workspace's earlier agent, if any, lost its key with the cache: remove it.
  oc_delete_previous_agents "$agent_name" "$marker" "$OC_AGENT_ID" "$OC_VAULT_ID" ||
    oc_warn "an earlier agent of this workspace may be left; delete agents named '$agent_name' but $OC_AGENT_ID in the 1Claw dashboard"
  oc_logout
  oc_log "bootstrap complete: agent $OC_AGENT_ID, vault $OC_VAULT_ID; credentials cached in $cache_file (0600)"
}

# Sets key, vault, agent, key_source (env|cache) or returns 1 when there is nothing to use.
resolve_credentials() {
  if [[ -n "${ONECLAW_AGENT_API_KEY:-}" ]]; then
    oc_is_agent_key "$ONECLAW_AGENT_API_KEY" || die "ONECLAW_AGENT_API_KEY is not an ocv_ agent key (letters, digits, '_' and '-' only)"
    key="$ONECLAW_AGENT_API_KEY"
    vault="${ONECLAW_VAULT_ID:-}"
    agent="${ONECLAW_AGENT_ID:-}"
    [[ -z "$vault" ]] || oc_is_uuid "$vault" || die "ONECLAW_VAULT_ID is not a UUID"
    [[ -n "$vault" ]] || oc_warn "ONECLAW_VAULT_ID is not set: the MCP entries carry no X-Vault-ID header"
    key_source='env'
    oc_log "using the agent key from the environment (ONECLAW_AGENT_API_KEY)"
    return 0
  fi
  case "${ONECLAW_CFG_MODE:-}" in
    terraform_native | manual)
      oc_warn "the module runs in ${ONECLAW_CFG_MODE} mode but ONECLAW_AGENT_API_KEY is not in this environment; restart the workspace so that the Coder agent picks up its variables"
      ;;
  esac
  if [[ -f "$cache_file" ]] && ! read_cache "$cache_file"; then
    oc_warn "$cache_file is unreadable or incomplete; ignoring it"
  fi
  if [[ -z "${cache_key:-}" ]] && migrate_legacy_cache; then
    read_cache "$cache_file" || true
  fi
  if [[ -z "${cache_key:-}" && -n "$human_key" ]]; then
    acquire_lock || die "could not take the bootstrap lock $lock_file"
    if [[ -f "$cache_file" ]] && read_cache "$cache_file"; then
      oc_log "another process (the 1Claw extension?) bootstrapped meanwhile; reusing its agent"
    else
      bootstrap || die "bootstrap failed at step: $OC_FAILED_STEP. Nothing was left behind; fix the cause and restart the workspace."
      read_cache "$cache_file" || die "the cache $cache_file written just now cannot be read back"
    fi
    release_lock
  elif [[ -n "${cache_key:-}" ]]; then
    oc_log "reusing the cached agent ${cache_agent:-(id unknown)} for vault $cache_vault ($cache_file)"
  fi
  human_key=""
  [[ -n "${cache_key:-}" ]] || return 1
  key="$cache_key"
  vault="$cache_vault"
  agent="$cache_agent"
  key_source='cache'
  if [[ -n "$cache_base_url" && "$cache_base_url" != "$base_url" ]]; then
    oc_warn "the cached agent was created at $cache_base_url, but ONECLAW_BASE_URL is $base_url"
  fi
}

# ---- MCP client configuration ----------------------------------------------------------------

merge_entry() { # merge_entry LABEL FILE STYLE -> logs the outcome
  local label="$1" file="$2" style="$3" result status=0
  if [[ "$style" == *-static ]]; then
    result="$(printf '%s\n' "$key" | oc_json merge-mcp "$file" "$server_name" "$style" url="$mcp_url" vault="$vault" helper="$helper_command")" || status=$?
  else
    result="$(oc_json merge-mcp "$file" "$server_name" "$style" url="$mcp_url" vault="$vault" helper="$helper_command" </dev/null)" || status=$?
  fi
  case "$status:$result" in
    0:created) oc_log "$label: created $file with the '$server_name' server" ;;
    0:added) oc_log "$label: added the '$server_name' server to $file" ;;
    0:updated) oc_log "$label: updated the '$server_name' server in $file" ;;
    0:unchanged) oc_log "$label: $file is already up to date" ;;
    3:unparsable\ *)
      oc_warn "$label: $file is not valid JSON, so it was left untouched; a copy is at ${result#unparsable }. Fix or remove the file, then restart the workspace."
      config_problems=$((config_problems + 1))
      ;;
    *)
      oc_warn "$label: could not update $file (exit $status)"
      config_problems=$((config_problems + 1))
      ;;
  esac
}

write_mcp_configs() {
  local cursor_path claude_path cursor_style claude_style
  config_problems=0
  helper_command="$(shell_word "$helper_path")"
  if [[ "${ONECLAW_CFG_INSTALL_CURSOR:-true}" == true ]]; then
    cursor_path="$(expand_home "${ONECLAW_CFG_CURSOR_PATH:-\$HOME/.cursor/mcp.json}")"
    # ${env:...} only works where the key is in the environment; a cached key is written as is.
    cursor_style=cursor-env
    [[ "$key_source" == env ]] || cursor_style=cursor-static
    merge_entry "Cursor" "$cursor_path" "$cursor_style"
  fi
  if [[ "${ONECLAW_CFG_INSTALL_CLAUDE:-true}" == true ]]; then
    claude_path="${ONECLAW_CFG_CLAUDE_PATH:-}"
    if [[ -z "$claude_path" ]]; then
      claude_path="${CLAUDE_CONFIG_DIR:-$HOME}/.claude.json"
    fi
    claude_path="$(expand_home "$claude_path")"
    claude_style="claude-${ONECLAW_CFG_CLAUDE_STYLE:-fresh}"
    merge_entry "Claude Code" "$claude_path" "$claude_style"
  fi
}

main() {
  local key="" vault="" agent="" key_source="" helper_command=""
  local cache_vault="" cache_agent="" cache_key="" cache_base_url=""
  oc_url_ok "$base_url" || die "ONECLAW_BASE_URL must be an https URL (http only for localhost): $base_url"
  oc_url_ok "$mcp_url" || die "ONECLAW_MCP_URL must be an https URL (http only for localhost): $mcp_url"
  oc_tmp_init
  mkdir -p "$state_dir"
  chmod 700 "$state_dir"
  install_helper
  install_extension || oc_warn "the 1Claw extension was not installed"
  if ! oc_json_init; then
    oc_warn "neither python3 nor node is installed, so the MCP configs were not written and bootstrap cannot run. Install python3 (or node) in the image."
    exit 0
  fi
  if ! resolve_credentials; then
    oc_log "no 1Claw credentials: set api_token + vault_id (manual), human_api_key (bootstrap) or master_api_key (Terraform-native) on the module, or run '1Claw: Bootstrap Workspace Agent' in the editor. Skipping the MCP configs."
    exit 0
  fi
  write_mcp_configs
  if ((config_problems > 0)); then
    oc_log "done, with $config_problems MCP config file(s) left unchanged (see the warnings above)"
  else
    oc_log "done"
  fi
}

main "$@"
