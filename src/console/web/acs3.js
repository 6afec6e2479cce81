// ACS3-HMAC-SHA256, as Alibaba Cloud's SDKs sign a request (the server
// checks it exactly as it checks theirs: src/auth/acs3.cc). The secret is
// used here, in the tab, and never sent.

const encoder = new TextEncoder();

const hex = (buffer) => [...new Uint8Array(buffer)].map((b) => b.toString(16).padStart(2, '0')).join('');

async function sha256Hex(data) {
  return hex(await crypto.subtle.digest('SHA-256', typeof data === 'string' ? encoder.encode(data) : data));
}

async function hmacHex(secret, text) {
  const key = await crypto.subtle.importKey('raw', encoder.encode(secret), { name: 'HMAC', hash: 'SHA-256' },
                                            false, ['sign']);
  return hex(await crypto.subtle.sign('HMAC', key, encoder.encode(text)));
}

// RFC 3986: encodeURIComponent leaves !'()* as they are.
export const rfc3986 = (s) => encodeURIComponent(s).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);

// The query string of `params` (entries with a value), keys sorted: the
// canonical query and the one sent are the same string.
export function canonicalQuery(params) {
  return Object.keys(params).filter((k) => params[k] !== undefined && params[k] !== null && params[k] !== '')
    .sort().map((k) => `${k}=${rfc3986(String(params[k]))}`).join('&');
}

// fetch() of a PAI call signed with `key` ({id, secret}).
export async function signedFetch(key, { method, path, query = {}, body, action, version }) {
  const payload = body === undefined ? '' : JSON.stringify(body);
  const qs = canonicalQuery(query);
  const headers = {
    host: location.host,
    'x-acs-action': action,
    'x-acs-version': version,
    'x-acs-date': new Date().toISOString().replace(/\.\d{3}Z$/, 'Z'),
    'x-acs-signature-nonce': crypto.randomUUID(),
    'x-acs-content-sha256': await sha256Hex(payload),
  };
  if (body !== undefined) headers['content-type'] = 'application/json';
  const names = Object.keys(headers).sort();
  const canonical = [method, path, qs, names.map((n) => `${n}:${headers[n].trim()}`).join('\n') + '\n',
                     names.join(';'), headers['x-acs-content-sha256']].join('\n');
  const signature = await hmacHex(key.secret, `ACS3-HMAC-SHA256\n${await sha256Hex(canonical)}`);
  const sent = { ...headers };
  delete sent.host;  // the browser sends it, as location.host
  sent.authorization = `ACS3-HMAC-SHA256 Credential=${key.id},SignedHeaders=${names.join(';')},Signature=${signature}`;
  return fetch(qs ? `${path}?${qs}` : path, { method, headers: sent, body: body === undefined ? undefined : payload });
}
