"""JSON helper for the 1Claw Coder module scripts (Python 3.6+; oneclaw-json.js is its twin).

The shell scripts never edit JSON with sed: every read and write goes through this helper.
Secrets (agent keys) are read from stdin, never from argv, and never printed except where
a caller asks for them on stdout (a pipe, not a terminal or a log).

Commands (exit 0 = ok, 1 = error, 3 = file unparsable, 4 = unexpected shape):
  get PATH                      print the string at dotted PATH of the JSON on stdin
  find-id ARRAY FIELD VALUE     print .id of the first ARRAY[] item whose FIELD == VALUE
  find-all ARRAY COND...        print .id of every ARRAY[] item matching all of FIELD=VALUE
                                (equal) and FIELD~TEXT (contains), one per line
  object KEY=STR|KEY:=JSON ...  print a JSON object built from the arguments
  problem                       print "detail" (or title) of a problem body on stdin, one line
  cache-read FILE               print vault_id, agent_id, agent_api_key, base_url, one per line
  cache-write FILE KEY=STR ...  write the bootstrap cache atomically (0600); agent key on stdin
  state-write FILE KEY=STR ...  write a Terraform state (v4) holding string outputs; the
                                agent_api_key output is read from stdin and marked sensitive
  merge-mcp FILE NAME STYLE KEY=STR ...
                                set mcpServers.NAME in FILE (STYLE: claude-fresh, claude-static,
                                cursor-env, cursor-static); the agent key (static styles) on stdin.
                                Prints one of: created, added, updated, unchanged, unparsable <copy>
"""
import datetime
import json
import os
import re
import sys
import tempfile

UUID_RE = re.compile(r"^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$")
AGENT_KEY_RE = re.compile(r"^ocv_[A-Za-z0-9_-]+$")
CACHE_KEYS = ("vault_id", "agent_id", "agent_api_key", "vault_name", "agent_name", "base_url")


class Unparsable(Exception):
    pass


class Shape(Exception):
    pass


class CheckFailed(Exception):
    pass


def fail(message, code=1):
    sys.stderr.write("oneclaw-json: %s\n" % message)
    sys.exit(code)


def reject_constant(name):
    raise ValueError("invalid JSON constant " + name)


def loads_strict(text):
    return json.loads(text, parse_constant=reject_constant)


def read_stdin_json():
    try:
        return loads_strict(sys.stdin.read())
    except ValueError:
        fail("the input is not valid JSON")


def read_secret_stdin():
    value = sys.stdin.readline().strip()
    if not AGENT_KEY_RE.match(value):
        fail("expected an ocv_ agent key on stdin")
    return value


def assignments(args):
    result = {}
    for arg in args:
        if ":=" in arg and ("=" not in arg or arg.index(":=") < arg.index("=")):
            key, raw = arg.split(":=", 1)
            try:
                result[key] = loads_strict(raw)
            except ValueError:
                fail("argument %s is not valid JSON" % key)
        elif "=" in arg:
            key, value = arg.split("=", 1)
            result[key] = value
        else:
            fail("expected KEY=VALUE, got an argument without '='")
    return result


def dumps(value, indent):
    if indent is None:
        return json.dumps(value, ensure_ascii=False, separators=(",", ":"))
    return json.dumps(value, ensure_ascii=False, indent=indent)


def write_atomic(path, text, mode=0o600):
    """Write text next to path (same directory) and rename it over path."""
    directory = os.path.dirname(path) or "."
    fd, tmp = tempfile.mkstemp(prefix=".1claw-", suffix=".tmp", dir=directory)
    try:
        os.fchmod(fd, mode)
        with os.fdopen(fd, "w", encoding="utf-8", newline="") as handle:
            handle.write(text)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, path)
    except BaseException:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        raise


def ensure_private_dir(directory):
    if not os.path.isdir(directory):
        os.makedirs(directory, mode=0o700, exist_ok=True)


# ---- byte-preserving edit of one member of a JSON document ----------------------------------

WS = " \t\r\n"


def skip_ws(s, i):
    while i < len(s) and s[i] in WS:
        i += 1
    return i


def scan_string(s, i):
    i += 1
    while s[i] != '"':
        i += 2 if s[i] == "\\" else 1
    return i + 1


def scan_value(s, i):
    """s is valid JSON (checked before); returns the index just past the value at i."""
    c = s[i]
    if c == '"':
        return scan_string(s, i)
    if c in "{[":
        depth = 0
        while True:
            c = s[i]
            if c == '"':
                i = scan_string(s, i)
                continue
            if c in "{[":
                depth += 1
            elif c in "}]":
                depth -= 1
                if depth == 0:
                    return i + 1
            i += 1
    while i < len(s) and s[i] not in ",}] \t\r\n":
        i += 1
    return i


def object_members(s, i):
    """s[i] == '{'. Returns ([(key, key_start, value_start, value_end)], index of the closing brace)."""
    members = []
    i = skip_ws(s, i + 1)
    if s[i] == "}":
        return members, i
    while True:
        key_start = i
        key_end = scan_string(s, i)
        key = json.loads(s[key_start:key_end])
        i = skip_ws(s, key_end)
        i = skip_ws(s, i + 1)  # ':'
        value_start = i
        value_end = scan_value(s, i)
        members.append((key, key_start, value_start, value_end))
        i = skip_ws(s, value_end)
        if s[i] == "}":
            return members, i
        i = skip_ws(s, i + 1)  # ','


def line_indent(s, pos):
    start = s.rfind("\n", 0, pos) + 1
    end = start
    while end < len(s) and s[end] in " \t":
        end += 1
    return s[start:end]


def indent_unit(s, open_brace, members):
    """The indentation step of the document, or None for a single-line (compact) document."""
    if not members:
        return None if "\n" not in s else "  "
    first = members[0][1]
    if "\n" not in s[open_brace:first]:
        return None
    outer = line_indent(s, open_brace)
    inner = line_indent(s, first)
    return inner[len(outer):] if inner.startswith(outer) and len(inner) > len(outer) else "  "


def render(value, unit, base, nl):
    text = dumps(value, unit)
    return text if unit is None else text.replace("\n", nl + base)


def set_member(s, open_brace, key, value, unit):
    """Returns s with member `key` of the object at open_brace set to value; the rest unchanged."""
    members, close = object_members(s, open_brace)
    nl = "\r\n" if "\r\n" in s else "\n"
    base = line_indent(s, open_brace)
    inner = base + (unit or "")
    for member_key, _, value_start, value_end in reversed(members):
        if member_key == key:
            return s[:value_start] + render(value, unit, inner, nl) + s[value_end:]
    pair = dumps(key, None) + (": " if unit is not None else ":") + render(value, unit, inner, nl)
    if not members:
        if unit is None:
            return s[:open_brace] + "{" + pair + "}" + s[close + 1:]
        return s[:open_brace] + "{" + nl + inner + pair + nl + base + "}" + s[close + 1:]
    last_end = members[-1][3]
    separator = "," if unit is None else "," + nl + inner
    return s[:last_end] + separator + pair + s[last_end:]


def mcp_entry(style, params, key):
    url = params.get("url", "")
    vault = params.get("vault", "")
    headers = {}
    if style in ("claude-static", "cursor-static"):
        headers["Authorization"] = "Bearer " + key
    elif style == "cursor-env":
        headers["Authorization"] = "Bearer ${env:ONECLAW_AGENT_API_KEY}"
    if vault:
        headers["X-Vault-ID"] = vault
    if style == "claude-fresh":
        return {"type": "http", "url": url, "headers": headers, "headersHelper": params.get("helper", "")}
    if style == "claude-static":
        return {"type": "http", "url": url, "headers": headers}
    if style in ("cursor-env", "cursor-static"):
        return {"url": url, "headers": headers}
    fail("unknown style " + style)
    return None


def merged_text(original, name, entry):
    """Returns (new text, whether the entry existed), or raises Unparsable / Shape / CheckFailed."""
    bom = ""
    text = original
    if text.startswith("\ufeff"):
        bom, text = "\ufeff", text[1:]
    if text.strip() == "":
        return bom + dumps({"mcpServers": {name: entry}}, 2) + "\n", False
    try:
        document = loads_strict(text)
    except ValueError:
        raise Unparsable()
    if not isinstance(document, dict):
        raise Unparsable()
    start = skip_ws(text, 0)
    top_members, _ = object_members(text, start)
    unit = indent_unit(text, start, top_members)
    servers = [m for m in top_members if m[0] == "mcpServers"]
    if servers and not isinstance(document["mcpServers"], dict):
        raise Shape()
    if servers:
        new_text = set_member(text, servers[-1][2], name, entry, unit)
    else:
        new_text = set_member(text, start, "mcpServers", {name: entry}, unit)
    expected = dict(document)
    expected["mcpServers"] = dict(document.get("mcpServers") or {})
    expected["mcpServers"][name] = entry
    if loads_strict(new_text) != expected:
        raise CheckFailed()
    return bom + new_text, bool(servers) and name in document["mcpServers"]


def backup_unparsable(path, data):
    directory, base = os.path.split(path)
    prefix = base + ".1claw-unparsable-"
    for existing in sorted(os.listdir(directory or ".")):
        if existing.startswith(prefix) and existing.endswith(".bak"):
            candidate = os.path.join(directory, existing)
            try:
                with open(candidate, "rb") as handle:
                    if handle.read() == data:
                        return candidate
            except OSError:
                pass
    stamp = datetime.datetime.now(datetime.timezone.utc).strftime("%Y%m%dT%H%M%SZ")
    target = os.path.join(directory, prefix + stamp + ".bak")
    counter = 1
    while os.path.exists(target):
        target = os.path.join(directory, "%s%s-%d.bak" % (prefix, stamp, counter))
        counter += 1
    fd = os.open(target, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "wb") as handle:
        handle.write(data)
    return target


def cmd_merge_mcp(args):
    if len(args) < 3:
        fail("usage: merge-mcp FILE NAME STYLE KEY=VALUE...")
    path, name, style = args[0], args[1], args[2]
    params = assignments(args[3:])
    key = read_secret_stdin() if style.endswith("-static") else ""
    entry = mcp_entry(style, params, key)
    real = os.path.realpath(path)
    ensure_private_dir(os.path.dirname(real))
    for _ in range(5):
        try:
            with open(real, "rb") as handle:
                data = handle.read()
        except FileNotFoundError:
            data = None
        if data is None:
            write_atomic(real, dumps({"mcpServers": {name: entry}}, 2) + "\n")
            print("created")
            return
        try:
            original = data.decode("utf-8")
            new_text, had_entry = merged_text(original, name, entry)
        except (UnicodeDecodeError, Unparsable):
            print("unparsable " + backup_unparsable(real, data))
            sys.exit(3)
        except Shape:
            fail("%s: mcpServers is not a JSON object; not changed" % path, 4)
        except CheckFailed:
            fail("%s: the edited document did not check out; not changed" % path, 4)
        if new_text == original:
            if style.endswith("-static") and (os.stat(real).st_mode & 0o077):
                os.chmod(real, 0o600)
            print("unchanged")
            return
        with open(real, "rb") as handle:
            if handle.read() != data:
                continue  # another program wrote the file meanwhile: start again from its content
        write_atomic(real, new_text)
        print("updated" if had_entry else "added")
        return
    fail("%s kept changing while being updated; try again" % path)


# ---- cache and state files -------------------------------------------------------------------

def valid_cache(document):
    if not isinstance(document, dict):
        return None
    vault = document.get("vault_id")
    agent = document.get("agent_id", "")
    key = document.get("agent_api_key")
    base_url = document.get("base_url", "")
    if not isinstance(vault, str) or not UUID_RE.match(vault):
        return None
    if not isinstance(key, str) or not AGENT_KEY_RE.match(key):
        return None
    if agent is None:
        agent = ""
    if not isinstance(agent, str) or (agent and not UUID_RE.match(agent)):
        return None
    if not isinstance(base_url, str) or "\n" in base_url:
        return None
    return vault, agent, key, base_url


def cmd_cache_read(args):
    if len(args) != 1:
        fail("usage: cache-read FILE")
    try:
        with open(args[0], "r", encoding="utf-8") as handle:
            document = loads_strict(handle.read())
    except FileNotFoundError:
        fail("%s does not exist" % args[0], 2)
    except (ValueError, UnicodeDecodeError):
        fail("%s is not valid JSON" % args[0], 3)
    fields = valid_cache(document)
    if fields is None:
        fail("%s lacks a valid vault_id / agent_api_key" % args[0], 4)
    sys.stdout.write("\n".join(fields) + "\n")


def cmd_cache_write(args):
    if len(args) < 1:
        fail("usage: cache-write FILE KEY=VALUE...")
    path = args[0]
    params = assignments(args[1:])
    params["agent_api_key"] = read_secret_stdin()
    document = {}
    for key in CACHE_KEYS:
        if params.get(key):
            document[key] = params[key]
    if valid_cache(document) is None:
        fail("refusing to write an invalid cache (vault_id must be a UUID)")
    ensure_private_dir(os.path.dirname(os.path.abspath(path)))
    write_atomic(path, dumps(document, 2) + "\n")


def cmd_state_write(args):
    if len(args) < 1:
        fail("usage: state-write FILE KEY=VALUE...")
    path = args[0]
    params = assignments(args[1:])
    outputs = {}
    for key, value in params.items():
        outputs[key] = {"value": value, "type": "string"}
    outputs["agent_api_key"] = {"value": read_secret_stdin(), "type": "string", "sensitive": True}
    state = {
        "version": 4,
        "terraform_version": "1.9.0",
        "serial": 1,
        "lineage": "oneclaw-provision",
        "outputs": outputs,
        "resources": [],
    }
    ensure_private_dir(os.path.dirname(os.path.abspath(path)))
    write_atomic(path, dumps(state, 2) + "\n")


# ---- reading API responses -------------------------------------------------------------------

def cmd_get(args):
    if len(args) != 1:
        fail("usage: get PATH")
    value = read_stdin_json()
    for part in args[0].split("."):
        value = value.get(part) if isinstance(value, dict) else None
    if not isinstance(value, str) or value == "":
        fail("no string at " + args[0])
    sys.stdout.write(value + "\n")


def cmd_find_id(args):
    if len(args) != 3:
        fail("usage: find-id ARRAY FIELD VALUE")
    document = read_stdin_json()
    items = document.get(args[0]) if isinstance(document, dict) else None
    for item in items if isinstance(items, list) else []:
        if isinstance(item, dict) and item.get(args[1]) == args[2] and isinstance(item.get("id"), str):
            sys.stdout.write(item["id"] + "\n")
            return
    sys.exit(1)


def cmd_find_all(args):
    if len(args) < 1:
        fail("usage: find-all ARRAY FIELD=VALUE|FIELD~TEXT...")
    conditions = []
    for arg in args[1:]:
        match = re.match(r"^([A-Za-z_][A-Za-z0-9_]*)([=~])(.*)$", arg, re.S)
        if not match:
            fail("expected FIELD=VALUE or FIELD~TEXT")
        conditions.append(match.groups())
    document = read_stdin_json()
    items = document.get(args[0]) if isinstance(document, dict) else None
    for item in items if isinstance(items, list) else []:
        if not isinstance(item, dict) or not isinstance(item.get("id"), str):
            continue
        ok = True
        for field, operator, value in conditions:
            actual = item.get(field)
            if not isinstance(actual, str) or (actual != value if operator == "=" else value not in actual):
                ok = False
        if ok:
            sys.stdout.write(item["id"] + "\n")


def cmd_object(args):
    sys.stdout.write(dumps(assignments(args), None) + "\n")


def cmd_problem(args):
    text = sys.stdin.read()
    try:
        document = loads_strict(text)
    except ValueError:
        document = None
    message = ""
    if isinstance(document, dict):
        for field in ("detail", "message", "error", "title"):
            if isinstance(document.get(field), str) and document[field]:
                message = document[field]
                break
    message = re.sub(r"\s+", " ", message).strip()[:300]
    message = re.sub(r"(1ck_|ocv_|plt_)[A-Za-z0-9_-]+", r"\1<redacted>", message)
    message = re.sub(r"eyJ[A-Za-z0-9_-]*\.[A-Za-z0-9_-]*\.[A-Za-z0-9_-]*", "<redacted-jwt>", message)
    sys.stdout.write(message + "\n")


COMMANDS = {
    "get": cmd_get,
    "find-id": cmd_find_id,
    "find-all": cmd_find_all,
    "object": cmd_object,
    "problem": cmd_problem,
    "cache-read": cmd_cache_read,
    "cache-write": cmd_cache_write,
    "state-write": cmd_state_write,
    "merge-mcp": cmd_merge_mcp,
}


def main(argv):
    if len(argv) < 2 or argv[1] not in COMMANDS:
        fail("usage: oneclaw-json.py {%s} ..." % ",".join(sorted(COMMANDS)))
    try:
        COMMANDS[argv[1]](argv[2:])
    except OSError as error:
        fail("%s: %s" % (getattr(error, "filename", "") or "file", error.strerror or error))


if __name__ == "__main__":
    main(sys.argv)
