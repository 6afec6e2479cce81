// OSS's V1 signature (HMAC-SHA1), as ali-oss signs, for the calls the
// console makes of OSS: Batch Operations at the service level, and
// presigned links to objects (a batch job's report). The server checks
// them as it checks ali-oss's (src/auth/oss_v1.cc).
import { rfc3986 } from './acs3.js';

const encoder = new TextEncoder();

async function hmacSha1Base64(secret, text) {
  const key = await crypto.subtle.importKey('raw', encoder.encode(secret), { name: 'HMAC', hash: 'SHA-1' },
                                            false, ['sign']);
  const mac = new Uint8Array(await crypto.subtle.sign('HMAC', key, encoder.encode(text)));
  return btoa(String.fromCharCode(...mac));
}

// The sub-resources this console sends that OSS signs.
const SIGNED = new Set(['batchJob', 'batchJobPriority', 'batchJobStatus', 'continuation-token']);

export class OssError extends Error {
  constructor(status, xml) {
    const doc = new DOMParser().parseFromString(xml || '<Error/>', 'application/xml');
    const text = (name) => doc.querySelector(name)?.textContent || '';
    super(text('Message') || `HTTP ${status}`);
    this.status = status;
    this.code = text('Code');
    this.requestId = text('RequestId');
  }
}

// A signed service-level call (path "/"): its answer as an XML document.
export async function ossCall(key, method, params) {
  const names = Object.keys(params).filter((k) => params[k] !== undefined && params[k] !== null);
  const signed = names.filter((k) => SIGNED.has(k)).sort()
    .map((k) => (params[k] === '' ? k : `${k}=${params[k]}`)).join('&');
  const date = new Date().toUTCString();
  const toSign = `${method}\n\n\n${date}\nx-oss-date:${date}\n/${signed ? `?${signed}` : ''}`;
  const query = names.map((k) => (params[k] === '' ? rfc3986(k) : `${rfc3986(k)}=${rfc3986(String(params[k]))}`)).join('&');
  const response = await fetch(`/?${query}`, { method, headers: {
    'x-oss-date': date, authorization: `OSS ${key.id}:${await hmacSha1Base64(key.secret, toSign)}` } });
  const text = await response.text();
  if (!response.ok) throw new OssError(response.status, text);
  return new DOMParser().parseFromString(text, 'application/xml');
}

// A link that GETs /bucket/key for the next `seconds`, signed with `key`.
export async function presignedUrl(key, bucket, objectKey, seconds = 3600) {
  const expires = Math.floor(Date.now() / 1000) + seconds;
  const signature = await hmacSha1Base64(key.secret, `GET\n\n\n${expires}\n/${bucket}/${objectKey}`);
  const path = objectKey.split('/').map(rfc3986).join('/');
  return `/${rfc3986(bucket)}/${path}?OSSAccessKeyId=${rfc3986(key.id)}&Expires=${expires}&Signature=${rfc3986(signature)}`;
}
