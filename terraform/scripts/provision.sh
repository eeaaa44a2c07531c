#!/bin/sh
# 1Claw Coder module: the API calls of Terraform-native provisioning and of the bootstrap
# session, run by local-exec provisioners on the machine that runs Terraform (in Coder, the
# provisioner: Alpine with sh, curl, wget, openssl and busybox; no python, node or jq).
#
#   sh provision.sh STEP      discover | vault | agent | policy | session | destroy-agent | destroy-vault
#   sh provision.sh report STEP   print STEP's log and fail if STEP failed
#
# This script never parses JSON. Request bodies are rendered by Terraform (jsonencode); a step
# writes the raw response bodies, wrapped in a fixed JSON envelope, to $ONECLAW_DIR/STEP.json,
# and Terraform decodes them. Objects a lost response may have created are found with a fixed-
# string match on a per-run nonce (grep -F). The human key is the Bearer of every call (1Claw
# accepts 1ck_ keys as Bearer tokens); only `session` calls an auth route.
#
# Terraform hides the output of a provisioner whose configuration holds a sensitive value, so a
# step records its log (never a credential) and exit status, and `report` prints them.
set -u
umask 077

step=${1:-}
dir=${ONECLAW_DIR:?ONECLAW_DIR is required}
log_file="$dir/$step.log"
if [ "$step" = report ]; then
  target=${2:?usage: provision.sh report STEP}
  cat "$dir/$target.log" 2>/dev/null
  status=$(cat "$dir/$target.status" 2>/dev/null) || status="none (the step did not finish)"
  rm -f "$dir/$target.log" "$dir/$target.status"
  [ "$status" = 0 ] && exit 0
  echo "[1claw] the $target step failed (status $status)" >&2
  exit 1
fi
case "$step" in discover | vault | agent | policy | session | destroy-agent | destroy-vault) ;; *)
  echo "usage: provision.sh discover|vault|agent|policy|session|destroy-agent|destroy-vault|report STEP" >&2
  exit 2
  ;;
esac

mkdir -p "$dir" && chmod 700 "$dir" || exit 1
: >"$log_file"
exec 2>>"$log_file"
rm -f "$dir/$step.status"
tmp=$(mktemp -d "${TMPDIR:-/tmp}/1claw-provision.XXXXXX") || exit 1
finish() {
  code=$?
  rm -rf "$tmp"
  printf '%s\n' "$code" >"$dir/$step.status"
}
trap finish EXIT
trap 'exit 130' INT TERM

log() { printf '[1claw] %s\n' "$*" >>"$log_file"; }
die() {
  log "ERROR: $*"
  exit 1
}

# ---- checks ----------------------------------------------------------------------------------

uuid_ok() { printf '%s' "$1" | grep -Eqx '[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}'; }

# https, or plain http to this machine only. The authority must be a bare host[:port]: no
# userinfo (http://localhost:x@evil connects to evil), so every character is checked.
url_ok() {
  case "$1" in
    https://*) rest=${1#https://} ;;
    http://*) rest=${1#http://} ;;
    *) return 1 ;;
  esac
  authority=${rest%%/*}
  printf '%s' "$authority" | grep -Eqx '([A-Za-z0-9.-]+|\[[0-9A-Fa-f:.]+\])(:[0-9]{1,5})?' || return 1
  printf '%s' "$rest" | grep -q '[[:space:][:cntrl:]"\\]' && return 1
  case "$1" in https://*) return 0 ;; esac
  case "$authority" in 127.0.0.1 | 127.0.0.1:* | localhost | localhost:* | '[::1]' | '[::1]:'*) return 0 ;; esac
  return 1
}

base=${ONECLAW_BASE_URL:-https://api.1claw.xyz}
base=${base%/}
url_ok "$base" || die "base_url must be https (plain http only for localhost), without user info: $base"
proto='=https'
case "$base" in http://*) proto='=http' ;; esac
budget=${ONECLAW_RETRY_BUDGET_SECONDS:-600}
case "$budget" in '' | *[!0-9]*) budget=600 ;; esac
pace=${ONECLAW_SLEEP_PERCENT:-100}
case "$pace" in '' | *[!0-9]* | 0) pace=100 ;; esac
deadline=$(($(date +%s) + budget * pace / 100))

# The human key: ONECLAW_API_KEY at apply; at destroy the stored copy or the variable named by
# ONECLAW_DESTROY_KEY_ENV. It reaches curl only through a 0600 config file (never argv).
key=${ONECLAW_API_KEY:-${ONECLAW_STORED_KEY:-}}
key_env=${ONECLAW_DESTROY_KEY_ENV:-ONECLAW_MASTER_API_KEY}
if [ -z "$key" ] && printf '%s' "$key_env" | grep -Eqx '[A-Za-z_][A-Za-z0-9_]*'; then
  eval "key=\${$key_env:-}"
fi
unset ONECLAW_API_KEY ONECLAW_STORED_KEY
if [ -n "$key" ]; then
  printf '%s' "$key" | grep -Eqx '1ck_[A-Za-z0-9_-]+' || die "the 1Claw key is not a human 1ck_ key"
  printf 'header = "Authorization: Bearer %s"\n' "$key" >"$tmp/auth"
else
  : >"$tmp/auth"
fi

# ---- HTTP with retries -----------------------------------------------------------------------

rand() { od -An -N4 -tu4 /dev/urandom | tr -d ' \n'; }
nonce() { od -An -N8 -tx1 /dev/urandom | tr -d ' \n'; }

# Retry-After as delta-seconds or as an HTTP date (GNU date -d, else busybox date -D).
retry_after() {
  value=$(sed -n 's/^[Rr][Ee][Tt][Rr][Yy]-[Aa][Ff][Tt][Ee][Rr]:[[:space:]]*//p' "$tmp/head" 2>/dev/null | tr -d '\r' | head -n 1)
  case "$value" in
    '') return 1 ;;
    *[!0-9]*)
      at=$(date -u -d "$value" +%s 2>/dev/null) ||
        at=$(date -u -D '%a, %d %b %Y %H:%M:%S GMT' -d "$value" +%s 2>/dev/null) || return 1
      value=$((at - $(date +%s)))
      [ "$value" -ge 0 ] || value=0
      ;;
  esac
  printf '%s' "$value"
}

# Full-jitter exponential backoff: a random wait of up to 0.5 s doubling per attempt (at most
# 20 s). After a Retry-After of R seconds: R plus a random part of up to R (the server's word
# replaces the exponential growth; the random part keeps clients from retrying in lockstep).
# Returns 1, sleeping nothing, when the wait would overrun the time budget.
# ONECLAW_SLEEP_PERCENT scales waits (time-scaled benchmarks only).
backoff() {
  cap=$((500 << ($1 > 6 ? 6 : $1 - 1)))
  [ "$cap" -le 20000 ] || cap=20000
  [ "${2:-0}" = 0 ] || cap=$(($2 * 1000))
  ms=$((($(rand) % (cap + 1) + ${2:-0} * 1000) * pace / 100))
  [ $(($(date +%s) + ms / 1000)) -lt "$deadline" ] || return 1
  sleep "$((ms / 1000)).$((ms % 1000 / 100))$((ms % 100 / 10))$((ms % 10))"
}

reason() {
  [ "$status" = 000 ] && {
    printf 'no answer from %s (%s)' "$base" "$(head -c 200 "$tmp/err" | tr '\n' ' ')"
    return
  }
  # Bodies of failed calls are problem details; cut and scrub them before they reach a log.
  printf 'HTTP %s: %s' "$status" "$(head -c 300 "$tmp/body" 2>/dev/null | tr '\n' ' ' |
    sed -E 's/(1ck_|ocv_)[A-Za-z0-9_-]+/\1[redacted]/g; s/eyJ[A-Za-z0-9_=-]*\.[A-Za-z0-9_.=-]*/[redacted JWT]/g')"
}

# api METHOD PATH [BODY_FILE]: the body lands in $tmp/body, the status in $status.
# 0: 2xx. 1: failed. 2: a POST got no clear answer (it may have landed: look before retrying).
# Retried within the budget: 429 (refused before any work) and a connection that never opened,
# for any method; 408/5xx/lost answers only for GET and DELETE, which are idempotent.
api() {
  attempt=0
  while :; do
    attempt=$((attempt + 1))
    rc=0
    if [ -n "${3:-}" ]; then
      curl -q -sS --proto "$proto" --connect-timeout 10 --max-time "${ONECLAW_HTTP_TIMEOUT:-30}" -K "$tmp/auth" \
        -H 'Accept: application/json' -H 'Content-Type: application/json' --data-binary "@$3" \
        -D "$tmp/head" -o "$tmp/body" -w '%{http_code}' -X "$1" "$base$2" >"$tmp/code" 2>"$tmp/err" || rc=$?
    else
      curl -q -sS --proto "$proto" --connect-timeout 10 --max-time "${ONECLAW_HTTP_TIMEOUT:-30}" -K "$tmp/auth" \
        -H 'Accept: application/json' -D "$tmp/head" -o "$tmp/body" -w '%{http_code}' -X "$1" "$base$2" \
        >"$tmp/code" 2>"$tmp/err" || rc=$?
    fi
    status=$(cat "$tmp/code")
    [ "$rc" = 0 ] || status=000
    case "$status" in 2??) return 0 ;; esac
    case "$status:$rc:$1" in
      429:*) ;;
      000:6:* | 000:7:*) ;;
      000:*:POST | 408:*:POST | 5??:*:POST) return 2 ;;
      000:* | 408:* | 5??:*) ;;
      *) return 1 ;;
    esac
    wait=$(retry_after) || wait=0
    log "$1 $2: $(reason); retrying"
    backoff "$attempt" "$wait" || {
      log "giving up on $1 $2: the retry budget (${budget}s) is spent"
      return 1
    }
  done
}

# create PATH BODY_FILE LIST_PATH NEEDLE: POST once; when the answer is lost, list and look for
# NEEDLE (this run's nonce): found means it landed (returns 3, the list in $tmp/body), absent
# means it did not and the POST is sent again. 0: created (response in $tmp/body). 1: failed.
create() {
  tries=0
  while :; do
    tries=$((tries + 1))
    api POST "$1" "$2"
    case $? in 0) return 0 ;; 1) return 1 ;; esac
    log "POST $1: $(reason); checking whether it landed"
    api GET "$3" || return 1
    if grep -Fq -- "$4" "$tmp/body"; then
      log "POST $1 had landed"
      return 3
    fi
    backoff "$tries" || return 1
  done
}

# The request body from Terraform, with this run's nonce in place of %%ONECLAW_NONCE%%.
body() { printf '%s' "$1" | sed "s/%%ONECLAW_NONCE%%/$2/g" >"$tmp/request"; }

# Results are a fixed envelope around raw bodies (put TEXT, putf FILE), published atomically;
# Terraform decodes them.
put() { printf '%s' "$1" >>"$tmp/result"; }
putf() { cat "$1" >>"$tmp/result"; }
publish() {
  put "$1"
  mv -f "$tmp/result" "$dir/$step.json"
}

need_key() { [ -n "$key" ] || die "$1"; }

# ---- steps -----------------------------------------------------------------------------------

discover() {
  need_key "no 1ck_ key was given"
  if [ -n "${ONECLAW_VAULT_ID:-}" ]; then
    uuid_ok "$ONECLAW_VAULT_ID" || die "vault_id is not a UUID"
    api GET "/v1/vaults/$ONECLAW_VAULT_ID" || die "vault $ONECLAW_VAULT_ID: $(reason)"
    echo null >"$tmp/vaults"
  else
    api GET /v1/vaults || die "list vaults: $(reason)"
    mv "$tmp/body" "$tmp/vaults"
  fi
  api GET /v1/agents || die "list agents: $(reason)"
  put '{"vaults":' && putf "$tmp/vaults" && put ',"agents":' && putf "$tmp/body" && publish '}'
}

vault() {
  if [ -n "${ONECLAW_FOUND_VAULT_ID:-}" ]; then
    uuid_ok "$ONECLAW_FOUND_VAULT_ID" || die "the vault found is not a UUID"
    log "using vault $ONECLAW_FOUND_VAULT_ID"
    publish "{\"kind\":\"found\",\"id\":\"$ONECLAW_FOUND_VAULT_ID\"}"
    return
  fi
  need_key "no 1ck_ key was given"
  n=$(nonce)
  body "${ONECLAW_BODY:?}" "$n"
  create /v1/vaults "$tmp/request" /v1/vaults "oneclaw-run:$n"
  case $? in
    0) kind=created && log "created the vault" ;;
    3) kind=list ;;
    *)
      [ "$status" = 409 ] || die "create the vault: $(reason)"
      api GET /v1/vaults || die "list vaults: $(reason)"
      kind=list && log "the vault was created meanwhile; reusing it"
      ;;
  esac
  put "{\"kind\":\"$kind\",\"nonce\":\"$n\",\"body\":" && putf "$tmp/body" && publish '}'
}

# A lost answer to POST /v1/agents loses the agent's only copy of its key: the agent is
# recorded as lost (Terraform finds it by nonce and the policy step deletes it) and another
# one is created.
agent() {
  need_key "no 1ck_ key was given"
  lost=''
  while :; do
    n=$(nonce)
    body "${ONECLAW_BODY:?}" "$n"
    create /v1/agents "$tmp/request" /v1/agents "oneclaw-run:$n"
    case $? in
      0) break ;;
      3)
        lost="$lost${lost:+,}\"oneclaw-run:$n\""
        log "the answer with the new agent's key was lost; it will be deleted, creating another"
        backoff 1 || die "create the agent: the retry budget (${budget}s) is spent"
        ;;
      *) die "create the agent: $(reason)" ;;
    esac
  done
  log "created the agent"
  put "{\"lost\":[$lost],\"created\":" && putf "$tmp/body" && put ',"list":'
  if [ -n "$lost" ] && api GET /v1/agents; then putf "$tmp/body"; else put null; fi
  publish '}'
}

# Grants the new agent its policy (looking first: a failed earlier run may have created it),
# then deletes the agents it replaces. Only a 2xx or an authenticated 404 counts as deleted.
policy() {
  need_key "no 1ck_ key was given"
  v=${ONECLAW_VAULT_ID:?} a=${ONECLAW_AGENT_ID:?}
  uuid_ok "$v" || die "vault id is not a UUID"
  uuid_ok "$a" || die "agent id is not a UUID"
  api GET "/v1/vaults/$v/policies" || die "list policies: $(reason)"
  if grep -Fq -- "$a" "$tmp/body"; then
    log "the agent's policy exists already"
    kind=list
  else
    body "${ONECLAW_BODY:?}" none
    create "/v1/vaults/$v/policies" "$tmp/request" "/v1/vaults/$v/policies" "$a"
    case $? in 0) kind=created ;; 3) kind=list ;; *) die "grant the policy: $(reason)" ;; esac
    log "granted the policy"
  fi
  put "{\"kind\":\"$kind\",\"body\":" && putf "$tmp/body"
  for old in ${ONECLAW_DELETE_AGENT_IDS:-}; do
    if [ "$old" = "$a" ] || ! uuid_ok "$old"; then continue; fi
    if api DELETE "/v1/agents/$old" || [ "$status" = 404 ]; then
      log "deleted agent $old, which this one replaces"
    else
      die "agent $old (replaced by $a) is left: $(reason). Apply again, or delete it in the 1Claw dashboard."
    fi
  done
  publish '}'
}

# Bootstrap mode: one exchange of the human key for a short-lived session (auth route). The
# exchange creates nothing, so it is retried like an idempotent call.
session() {
  need_key "no 1ck_ key was given"
  printf '{"api_key":"%s"}' "$key" >"$tmp/request"
  : >"$tmp/auth"
  until api POST /v1/auth/api-key-token "$tmp/request"; do
    [ "$status" = 000 ] || case "$status" in 5??) ;; *) die "exchange the human key: $(reason)" ;; esac
    backoff 3 || die "exchange the human key: $(reason)"
  done
  rm -f "$tmp/request"
  log "exchanged the human key for a short-lived session"
  put '{"body":' && putf "$tmp/body" && publish '}'
}

destroy_agent() {
  a=${ONECLAW_AGENT_ID:-}
  [ -n "$a" ] || {
    log "no agent recorded; nothing to delete"
    return
  }
  left="1Claw agent $a (vault ${ONECLAW_VAULT_ID:-?}) may still be live: its key keeps working."
  [ -n "$key" ] || die "$left No 1ck_ key to delete it: set $key_env in the environment of the Coder provisioner (or store_master_key_for_destroy = true) and delete the workspace again; or delete the agent in the 1Claw dashboard, then delete the workspace with 'coder delete <workspace> --orphan'."
  if api DELETE "/v1/agents/$a"; then
    log "deleted agent $a (its API key is revoked)"
  elif [ "$status" = 404 ]; then
    log "agent $a is already gone (1Claw answered 404 to an authenticated request)"
  else
    die "$left Deleting it failed: $(reason). Fix the key in $key_env and delete the workspace again, or delete the agent in the 1Claw dashboard."
  fi
}

destroy_vault() {
  v=${ONECLAW_VAULT_ID:-}
  if [ "${ONECLAW_AUTO_DESTROY_VAULT:-false}" != true ] || [ -z "$v" ]; then
    [ -z "$v" ] || log "keeping vault $v (auto_destroy_vault is off)"
    return
  fi
  need_key "vault $v is left: no 1ck_ key to delete it (set $key_env and delete the workspace again)"
  if ! api GET "/v1/vaults/$v"; then
    [ "$status" = 404 ] || die "vault $v is left: $(reason)"
    log "vault $v is already gone"
  elif grep -Fq -- "(${ONECLAW_OWNER_MARKER:?})" "$tmp/body"; then
    api DELETE "/v1/vaults/$v" || [ "$status" = 404 ] || die "vault $v is left: $(reason)"
    log "deleted vault $v"
  else
    log "keeping vault $v: this workspace did not create it"
  fi
}

case "$step" in
  destroy-agent) destroy_agent ;;
  destroy-vault) destroy_vault ;;
  *) "$step" ;;
esac
