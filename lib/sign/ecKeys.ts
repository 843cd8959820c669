import { createPrivateKey, createPublicKey, type KeyObject } from 'node:crypto';
import { requireString } from './inputGuards';
import { SignError } from './SignError';

// Legacy v1 keys come from the console's keys.zip: SEC1 (optionally after an EC PARAMETERS block) or
// PKCS#8 private keys, SPKI public keys, on prime256v1 or secp256k1. node:crypto handles both curves;
// WebCrypto would not (no secp256k1).

const SUPPORTED_CURVES = new Set(['prime256v1', 'secp256k1']);

// Parsing a PEM costs far more than one signature; a service signs with one or two keys for its
// whole life, so a few parsed keys are memoised (bounded, so arbitrary input cannot grow it).
const MAX_CACHED_KEYS = 8;
const cache = new Map<string, KeyObject>();

function remember(pem: string, key: KeyObject): KeyObject {
  if (cache.size >= MAX_CACHED_KEYS) cache.delete(cache.keys().next().value as string);
  cache.set(pem, key);
  return key;
}

function checkCurve(key: KeyObject, name: string): KeyObject {
  const curve = key.asymmetricKeyDetails?.namedCurve;
  if (key.asymmetricKeyType !== 'ec' || curve === undefined || !SUPPORTED_CURVES.has(curve)) {
    throw new SignError('ERR_INPUT', `${name} must be an EC key on prime256v1 or secp256k1`);
  }
  return key;
}

export function loadPrivateKey(pem: unknown): KeyObject {
  const text = requireString('privateKeyPem', pem);
  const cached = cache.get(text);
  if (cached?.type === 'private') return cached;
  let key: KeyObject;
  try {
    key = createPrivateKey(text);
  } catch {
    // The parser's message could quote key material; report only what was wrong.
    throw new SignError('ERR_INPUT', 'privateKeyPem is not a PEM private key');
  }
  return remember(text, checkCurve(key, 'privateKeyPem'));
}

export function loadPublicKey(pem: unknown): KeyObject {
  const text = requireString('publicKeyPem', pem);
  const cached = cache.get(text);
  if (cached?.type === 'public') return cached;
  let key: KeyObject;
  try {
    key = createPublicKey(text);
  } catch {
    throw new SignError('ERR_INPUT', 'publicKeyPem is not a PEM public key');
  }
  return remember(text, checkCurve(key, 'publicKeyPem'));
}
