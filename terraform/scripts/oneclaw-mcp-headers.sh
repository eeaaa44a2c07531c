#!/bin/sh
# 1Claw MCP headers helper: prints the HTTP headers an MCP client needs to reach the hosted
# 1Claw MCP server, with a fresh short-lived agent JWT. Claude Code runs it as `headersHelper`
# on every connection, so its config file holds no credential.
#
# Credentials, in order: ONECLAW_AGENT_API_KEY / ONECLAW_VAULT_ID / ONECLAW_BASE_URL from the
# environment (set by the Coder module), else the 0600 bootstrap cache ~/.1claw/agent.json.
# The key never appears in a process argument list: curl reads the request body from stdin.
# Installed by the 1Claw extension and the 1Claw Coder module to ~/.1claw/bin/oneclaw-mcp-headers.
set -eu

fail() {
  printf '1Claw headers helper: %s\n' "$1" >&2
  exit 1
}

cache_file="${HOME:?}/.1claw/agent.json"

# Read one string field from the cache written by the extension / module (flat JSON object).
cache_field() {
  [ -r "$cache_file" ] || return 0
  sed -n "s/.*\"$1\"[[:space:]]*:[[:space:]]*\"\([^\"]*\)\".*/\1/p" "$cache_file" | head -n 1
}

key="${ONECLAW_AGENT_API_KEY:-}"
vault="${ONECLAW_VAULT_ID:-}"
base_url="${ONECLAW_BASE_URL:-}"
if [ -z "$key" ]; then
  key="$(cache_field agent_api_key)"
  [ -n "$vault" ] || vault="$(cache_field vault_id)"
  [ -n "$base_url" ] || base_url="$(cache_field base_url)"
fi
[ -n "$base_url" ] || base_url="https://api.1claw.xyz"
base_url="${base_url%/}"

[ -n "$key" ] || fail "no agent key: set ONECLAW_AGENT_API_KEY or run '1Claw: Bootstrap Workspace Agent' in the editor."
case "$key" in
  ocv_*) ;;
  *) fail "the agent key must start with ocv_." ;;
esac
case "$key" in
  *[!A-Za-z0-9_-]*) fail "the agent key contains unexpected characters." ;;
esac
case "$vault" in
  '') ;;
  *[!0-9a-fA-F-]*) fail "ONECLAW_VAULT_ID is not a UUID." ;;
esac
case "$base_url" in
  https://*|http://127.0.0.1:*|http://127.0.0.1/*|http://localhost:*|http://localhost/*|http://\[::1\]:*) ;;
  *) fail "the API URL must be https (plain http only for localhost)." ;;
esac
command -v curl >/dev/null 2>&1 || fail "curl is not installed."

# printf is a shell builtin: the key stays out of every argv.
response="$(printf '{"api_key":"%s"}' "$key" | curl --silent --show-error --fail --max-time 8 \
  --header 'Content-Type: application/json' --header 'Accept: application/json' \
  --data-binary @- "$base_url/v1/auth/agent-token")" || fail "the token exchange with $base_url failed."

token="$(printf '%s' "$response" | sed -n 's/.*"access_token"[[:space:]]*:[[:space:]]*"\([A-Za-z0-9._-]*\)".*/\1/p' | head -n 1)"
[ -n "$token" ] || fail "the token exchange returned no access_token."

if [ -n "$vault" ]; then
  printf '{"Authorization":"Bearer %s","X-Vault-ID":"%s"}\n' "$token" "$vault"
else
  printf '{"Authorization":"Bearer %s"}\n' "$token"
fi
