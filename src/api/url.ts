/**
 * Validation of the API and MCP base URLs. Credentials travel to these URLs, so they must be
 * https — plain http is accepted only for loopback (the local emulator, a port-forward).
 */

export type UrlCheck = { ok: true; url: URL } | { ok: false; problem: string };

export function isLoopbackHost(hostname: string): boolean {
  const host = hostname.replace(/^\[|\]$/g, '').toLowerCase();
  return host === 'localhost' || host === '::1' || /^127(\.\d{1,3}){3}$/.test(host);
}

export function checkServiceUrl(raw: string): UrlCheck {
  const text = raw.trim();
  if (text === '') return { ok: false, problem: 'is empty' };
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    return { ok: false, problem: 'is not a valid URL' };
  }
  if (url.username || url.password) return { ok: false, problem: 'must not contain a user name or password' };
  if (url.search || url.hash) return { ok: false, problem: 'must not contain a query string or fragment' };
  if (url.protocol === 'https:') return { ok: true, url };
  if (url.protocol === 'http:') {
    if (isLoopbackHost(url.hostname)) return { ok: true, url };
    return { ok: false, problem: `uses http to a non-loopback host (${url.hostname}); use https` };
  }
  return { ok: false, problem: `uses the unsupported scheme "${url.protocol.replace(':', '')}"; use https` };
}

/** The base URL without a trailing slash, so paths can be appended with one. */
export function normaliseBaseUrl(url: URL): string {
  return url.toString().replace(/\/+$/, '');
}
