'use strict';
// JSON helper for the 1Claw Coder module scripts, for images without python3 (node >= 12).
// Twin of oneclaw-json.py: same commands, same output bytes, same exit codes (see its header).
// Secrets (agent keys) are read from stdin, never from argv.
const fs = require('fs');
const path = require('path');
const crypto = require('crypto');

const UUID_RE = /^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$/;
const AGENT_KEY_RE = /^ocv_[A-Za-z0-9_-]+$/;
const CACHE_KEYS = ['vault_id', 'agent_id', 'agent_api_key', 'vault_name', 'agent_name', 'base_url'];

class Unparsable extends Error {}
class Shape extends Error {}
class CheckFailed extends Error {}

function fail(message, code = 1) {
  process.stderr.write(`oneclaw-json: ${message}\n`);
  process.exit(code);
}

function readStdin() {
  try {
    return fs.readFileSync(0, 'utf8');
  } catch (error) {
    if (error.code === 'EAGAIN' || error.code === 'EOF') return '';
    throw error;
  }
}

function readStdinJson() {
  try {
    return JSON.parse(readStdin());
  } catch (error) {
    return fail('the input is not valid JSON');
  }
}

function readSecretStdin() {
  const value = readStdin().split('\n')[0].trim();
  if (!AGENT_KEY_RE.test(value)) fail('expected an ocv_ agent key on stdin');
  return value;
}

function assignments(args) {
  const result = {};
  for (const arg of args) {
    const colon = arg.indexOf(':=');
    const equals = arg.indexOf('=');
    if (colon !== -1 && (equals === -1 || colon < equals)) {
      const key = arg.slice(0, colon);
      try {
        result[key] = JSON.parse(arg.slice(colon + 2));
      } catch (error) {
        fail(`argument ${key} is not valid JSON`);
      }
    } else if (equals !== -1) {
      result[arg.slice(0, equals)] = arg.slice(equals + 1);
    } else {
      fail("expected KEY=VALUE, got an argument without '='");
    }
  }
  return result;
}

function dumps(value, indent) {
  return indent === null ? JSON.stringify(value) : JSON.stringify(value, null, indent);
}

function writeAtomic(file, text, mode = 0o600) {
  const directory = path.dirname(file);
  const tmp = path.join(directory, `.1claw-${crypto.randomBytes(6).toString('hex')}.tmp`);
  const fd = fs.openSync(tmp, 'wx', mode);
  try {
    fs.fchmodSync(fd, mode);
    fs.writeSync(fd, text, null, 'utf8');
    fs.fsyncSync(fd);
    fs.closeSync(fd);
    fs.renameSync(tmp, file);
  } catch (error) {
    try {
      fs.unlinkSync(tmp);
    } catch (ignored) {
      // already gone
    }
    throw error;
  }
}

function ensurePrivateDir(directory) {
  if (!fs.existsSync(directory)) fs.mkdirSync(directory, { recursive: true, mode: 0o700 });
}

// ---- byte-preserving edit of one member of a JSON document ----------------------------------

const WS = ' \t\r\n';

function skipWs(s, i) {
  while (i < s.length && WS.includes(s[i])) i += 1;
  return i;
}

function scanString(s, i) {
  i += 1;
  while (s[i] !== '"') i += s[i] === '\\' ? 2 : 1;
  return i + 1;
}

function scanValue(s, i) {
  const c = s[i];
  if (c === '"') return scanString(s, i);
  if (c === '{' || c === '[') {
    let depth = 0;
    for (;;) {
      const ch = s[i];
      if (ch === '"') {
        i = scanString(s, i);
        continue;
      }
      if (ch === '{' || ch === '[') depth += 1;
      else if (ch === '}' || ch === ']') {
        depth -= 1;
        if (depth === 0) return i + 1;
      }
      i += 1;
    }
  }
  while (i < s.length && !',}] \t\r\n'.includes(s[i])) i += 1;
  return i;
}

function objectMembers(s, i) {
  const members = [];
  i = skipWs(s, i + 1);
  if (s[i] === '}') return [members, i];
  for (;;) {
    const keyStart = i;
    const keyEnd = scanString(s, i);
    const key = JSON.parse(s.slice(keyStart, keyEnd));
    i = skipWs(s, keyEnd);
    i = skipWs(s, i + 1);
    const valueStart = i;
    const valueEnd = scanValue(s, i);
    members.push([key, keyStart, valueStart, valueEnd]);
    i = skipWs(s, valueEnd);
    if (s[i] === '}') return [members, i];
    i = skipWs(s, i + 1);
  }
}

function lineIndent(s, pos) {
  const start = s.lastIndexOf('\n', pos - 1) + 1;
  let end = start;
  while (end < s.length && (s[end] === ' ' || s[end] === '\t')) end += 1;
  return s.slice(start, end);
}

function indentUnit(s, openBrace, members) {
  if (members.length === 0) return s.includes('\n') ? '  ' : null;
  const first = members[0][1];
  if (!s.slice(openBrace, first).includes('\n')) return null;
  const outer = lineIndent(s, openBrace);
  const inner = lineIndent(s, first);
  return inner.startsWith(outer) && inner.length > outer.length ? inner.slice(outer.length) : '  ';
}

function render(value, unit, base, nl) {
  const text = dumps(value, unit);
  return unit === null ? text : text.split('\n').join(`${nl}${base}`);
}

function setMember(s, openBrace, key, value, unit) {
  const [members, close] = objectMembers(s, openBrace);
  const nl = s.includes('\r\n') ? '\r\n' : '\n';
  const base = lineIndent(s, openBrace);
  const inner = base + (unit || '');
  for (let index = members.length - 1; index >= 0; index -= 1) {
    const [memberKey, , valueStart, valueEnd] = members[index];
    if (memberKey === key) return s.slice(0, valueStart) + render(value, unit, inner, nl) + s.slice(valueEnd);
  }
  const pair = dumps(key, null) + (unit !== null ? ': ' : ':') + render(value, unit, inner, nl);
  if (members.length === 0) {
    if (unit === null) return `${s.slice(0, openBrace)}{${pair}}${s.slice(close + 1)}`;
    return `${s.slice(0, openBrace)}{${nl}${inner}${pair}${nl}${base}}${s.slice(close + 1)}`;
  }
  const lastEnd = members[members.length - 1][3];
  const separator = unit === null ? ',' : `,${nl}${inner}`;
  return s.slice(0, lastEnd) + separator + pair + s.slice(lastEnd);
}

function mcpEntry(style, params, key) {
  const url = params.url || '';
  const vault = params.vault || '';
  const headers = {};
  if (style === 'claude-static' || style === 'cursor-static') headers.Authorization = `Bearer ${key}`;
  else if (style === 'cursor-env') headers.Authorization = 'Bearer ${env:ONECLAW_AGENT_API_KEY}';
  if (vault) headers['X-Vault-ID'] = vault;
  if (style === 'claude-fresh') return { type: 'http', url, headers, headersHelper: params.helper || '' };
  if (style === 'claude-static') return { type: 'http', url, headers };
  if (style === 'cursor-env' || style === 'cursor-static') return { url, headers };
  return fail(`unknown style ${style}`);
}

function isObject(value) {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function mergedText(original, name, entry) {
  let bom = '';
  let text = original;
  if (text.startsWith('\ufeff')) {
    bom = '\ufeff';
    text = text.slice(1);
  }
  if (text.trim() === '') return [`${bom}${dumps({ mcpServers: { [name]: entry } }, 2)}\n`, false];
  let document;
  try {
    document = JSON.parse(text);
  } catch (error) {
    throw new Unparsable();
  }
  if (!isObject(document)) throw new Unparsable();
  const start = skipWs(text, 0);
  const [topMembers] = objectMembers(text, start);
  const unit = indentUnit(text, start, topMembers);
  const servers = topMembers.filter((member) => member[0] === 'mcpServers');
  if (servers.length > 0 && !isObject(document.mcpServers)) throw new Shape();
  const newText =
    servers.length > 0
      ? setMember(text, servers[servers.length - 1][2], name, entry, unit)
      : setMember(text, start, 'mcpServers', { [name]: entry }, unit);
  const hadEntry = servers.length > 0 && Object.prototype.hasOwnProperty.call(document.mcpServers, name);
  const expected = document;
  if (servers.length === 0) expected.mcpServers = {};
  expected.mcpServers[name] = entry;
  if (JSON.stringify(JSON.parse(newText)) !== JSON.stringify(expected)) throw new CheckFailed();
  return [bom + newText, hadEntry];
}

function backupUnparsable(file, data) {
  const directory = path.dirname(file);
  const prefix = `${path.basename(file)}.1claw-unparsable-`;
  for (const existing of fs.readdirSync(directory).sort()) {
    if (existing.startsWith(prefix) && existing.endsWith('.bak')) {
      const candidate = path.join(directory, existing);
      try {
        if (fs.readFileSync(candidate).equals(data)) return candidate;
      } catch (error) {
        // unreadable: ignore
      }
    }
  }
  const stamp = new Date().toISOString().replace(/[-:]/g, '').replace(/\.\d+Z$/, 'Z');
  let target = path.join(directory, `${prefix}${stamp}.bak`);
  for (let counter = 1; fs.existsSync(target); counter += 1) target = path.join(directory, `${prefix}${stamp}-${counter}.bak`);
  fs.writeFileSync(target, data, { mode: 0o600, flag: 'wx' });
  return target;
}

// Like Python's os.path.realpath: follows symlinks, including one whose target does not exist yet.
function resolveReal(file, hops = 0) {
  const absolute = path.resolve(file);
  try {
    return fs.realpathSync(absolute);
  } catch (error) {
    if (error.code !== 'ENOENT') throw error;
  }
  const directory = path.dirname(absolute);
  const parent = directory === absolute ? directory : resolveReal(directory, hops + 1);
  const candidate = path.join(parent, path.basename(absolute));
  let link;
  try {
    link = fs.readlinkSync(candidate);
  } catch (error) {
    return candidate;
  }
  if (hops > 40) fail(`${file}: too many levels of symbolic links`);
  return resolveReal(path.resolve(parent, link), hops + 1);
}

function readIfExists(file) {
  try {
    return fs.readFileSync(file);
  } catch (error) {
    if (error.code === 'ENOENT') return null;
    throw error;
  }
}

function decodeUtf8(data) {
  const text = data.toString('utf8');
  if (!Buffer.from(text, 'utf8').equals(data)) throw new Unparsable();
  return text;
}

function cmdMergeMcp(args) {
  if (args.length < 3) fail('usage: merge-mcp FILE NAME STYLE KEY=VALUE...');
  const [file, name, style] = args;
  const params = assignments(args.slice(3));
  const key = style.endsWith('-static') ? readSecretStdin() : '';
  const entry = mcpEntry(style, params, key);
  const real = resolveReal(file);
  ensurePrivateDir(path.dirname(real));
  for (let attempt = 0; attempt < 5; attempt += 1) {
    const data = readIfExists(real);
    if (data === null) {
      writeAtomic(real, `${dumps({ mcpServers: { [name]: entry } }, 2)}\n`);
      process.stdout.write('created\n');
      return;
    }
    let original;
    let newText;
    let hadEntry;
    try {
      original = decodeUtf8(data);
      [newText, hadEntry] = mergedText(original, name, entry);
    } catch (error) {
      if (error instanceof Unparsable) {
        process.stdout.write(`unparsable ${backupUnparsable(real, data)}\n`);
        process.exit(3);
      }
      if (error instanceof Shape) fail(`${file}: mcpServers is not a JSON object; not changed`, 4);
      if (error instanceof CheckFailed) fail(`${file}: the edited document did not check out; not changed`, 4);
      throw error;
    }
    if (newText === original) {
      if (style.endsWith('-static') && (fs.statSync(real).mode & 0o077) !== 0) fs.chmodSync(real, 0o600);
      process.stdout.write('unchanged\n');
      return;
    }
    const again = readIfExists(real);
    if (again === null || !again.equals(data)) continue;
    writeAtomic(real, newText);
    process.stdout.write(hadEntry ? 'updated\n' : 'added\n');
    return;
  }
  fail(`${file} kept changing while being updated; try again`);
}

// ---- cache and state files -------------------------------------------------------------------

function validCache(document) {
  if (!isObject(document)) return null;
  const vault = document.vault_id;
  let agent = document.agent_id === undefined || document.agent_id === null ? '' : document.agent_id;
  const key = document.agent_api_key;
  const baseUrl = document.base_url === undefined ? '' : document.base_url;
  if (typeof vault !== 'string' || !UUID_RE.test(vault)) return null;
  if (typeof key !== 'string' || !AGENT_KEY_RE.test(key)) return null;
  if (typeof agent !== 'string' || (agent !== '' && !UUID_RE.test(agent))) return null;
  if (typeof baseUrl !== 'string' || baseUrl.includes('\n')) return null;
  agent = String(agent);
  return [vault, agent, key, baseUrl];
}

function cmdCacheRead(args) {
  if (args.length !== 1) fail('usage: cache-read FILE');
  const data = readIfExists(args[0]);
  if (data === null) fail(`${args[0]} does not exist`, 2);
  let document;
  try {
    document = JSON.parse(decodeUtf8(data));
  } catch (error) {
    fail(`${args[0]} is not valid JSON`, 3);
  }
  const fields = validCache(document);
  if (fields === null) fail(`${args[0]} lacks a valid vault_id / agent_api_key`, 4);
  process.stdout.write(`${fields.join('\n')}\n`);
}

function cmdCacheWrite(args) {
  if (args.length < 1) fail('usage: cache-write FILE KEY=VALUE...');
  const file = args[0];
  const params = assignments(args.slice(1));
  params.agent_api_key = readSecretStdin();
  const document = {};
  for (const key of CACHE_KEYS) if (params[key]) document[key] = params[key];
  if (validCache(document) === null) fail('refusing to write an invalid cache (vault_id must be a UUID)');
  ensurePrivateDir(path.dirname(path.resolve(file)));
  writeAtomic(file, `${dumps(document, 2)}\n`);
}

function cmdStateWrite(args) {
  if (args.length < 1) fail('usage: state-write FILE KEY=VALUE...');
  const file = args[0];
  const outputs = {};
  for (const [key, value] of Object.entries(assignments(args.slice(1)))) outputs[key] = { value, type: 'string' };
  outputs.agent_api_key = { value: readSecretStdin(), type: 'string', sensitive: true };
  const state = { version: 4, terraform_version: '1.9.0', serial: 1, lineage: 'oneclaw-provision', outputs, resources: [] };
  ensurePrivateDir(path.dirname(path.resolve(file)));
  writeAtomic(file, `${dumps(state, 2)}\n`);
}

// ---- reading API responses -------------------------------------------------------------------

function cmdGet(args) {
  if (args.length !== 1) fail('usage: get PATH');
  let value = readStdinJson();
  for (const part of args[0].split('.')) value = isObject(value) ? value[part] : undefined;
  if (typeof value !== 'string' || value === '') fail(`no string at ${args[0]}`);
  process.stdout.write(`${value}\n`);
}

function cmdFindId(args) {
  if (args.length !== 3) fail('usage: find-id ARRAY FIELD VALUE');
  const document = readStdinJson();
  const items = isObject(document) ? document[args[0]] : undefined;
  for (const item of Array.isArray(items) ? items : []) {
    if (isObject(item) && item[args[1]] === args[2] && typeof item.id === 'string') {
      process.stdout.write(`${item.id}\n`);
      return;
    }
  }
  process.exit(1);
}

function cmdFindAll(args) {
  if (args.length < 1) fail('usage: find-all ARRAY FIELD=VALUE|FIELD~TEXT...');
  const conditions = args.slice(1).map((arg) => {
    const match = /^([A-Za-z_][A-Za-z0-9_]*)([=~])([\s\S]*)$/.exec(arg);
    if (match === null) fail('expected FIELD=VALUE or FIELD~TEXT');
    return match.slice(1);
  });
  const document = readStdinJson();
  const items = isObject(document) ? document[args[0]] : undefined;
  for (const item of Array.isArray(items) ? items : []) {
    if (!isObject(item) || typeof item.id !== 'string') continue;
    const ok = conditions.every(([field, operator, value]) => {
      const actual = item[field];
      return typeof actual === 'string' && (operator === '=' ? actual === value : actual.includes(value));
    });
    if (ok) process.stdout.write(`${item.id}\n`);
  }
}

function cmdObject(args) {
  process.stdout.write(`${dumps(assignments(args), null)}\n`);
}

function cmdProblem() {
  let document;
  try {
    document = JSON.parse(readStdin());
  } catch (error) {
    document = null;
  }
  let message = '';
  if (isObject(document)) {
    for (const field of ['detail', 'message', 'error', 'title']) {
      if (typeof document[field] === 'string' && document[field]) {
        message = document[field];
        break;
      }
    }
  }
  message = message.replace(/\s+/g, ' ').trim().slice(0, 300);
  message = message.replace(/(1ck_|ocv_|plt_)[A-Za-z0-9_-]+/g, '$1<redacted>');
  message = message.replace(/eyJ[A-Za-z0-9_-]*\.[A-Za-z0-9_-]*\.[A-Za-z0-9_-]*/g, '<redacted-jwt>');
  process.stdout.write(`${message}\n`);
}

const COMMANDS = {
  get: cmdGet,
  'find-id': cmdFindId,
  'find-all': cmdFindAll,
  object: cmdObject,
  problem: cmdProblem,
  'cache-read': cmdCacheRead,
  'cache-write': cmdCacheWrite,
  'state-write': cmdStateWrite,
  'merge-mcp': cmdMergeMcp,
};

function main(argv) {
  const command = COMMANDS[argv[0]];
  if (!Object.prototype.hasOwnProperty.call(COMMANDS, argv[0] || '')) {
    fail(`usage: oneclaw-json.js {${Object.keys(COMMANDS).sort().join(',')}} ...`);
  }
  try {
    command(argv.slice(1));
  } catch (error) {
    fail(`${error.path || 'file'}: ${error.code || error.message}`);
  }
}

main(process.argv.slice(2));
