import { generateKeyPairSync } from 'node:crypto';
import { vectorsOfKind } from '../../support/tencentVectors';

// Keys and tickets the CLI tests share: fake keys only, and the reference vectors made by Tencent's
// official libraries (test/fixtures/tencent-sig-vectors.json).

/** A v2 app (fake key). */
export const V2_APP = Object.freeze({
  sdkAppId: 1_400_000_000,
  secretKey: '5bd2850fff3ecb11d7c805251c51ee463a25727bddc2385f3fa8bfee1bb93b5e',
});

/** The reference vector of an id, as made by the official library. */
export function vector(id: string): { ticket: string; inputs: Record<string, unknown> } {
  const found = vectorsOfKind(id.replace(/-\d+$/, '')).find((candidate) => candidate.id === id);
  if (found === undefined || typeof found.expected !== 'string') throw new Error(`no vector ${id}`);
  return { ticket: found.expected, inputs: found.inputs };
}

/** A fresh EC key pair on a curve the v1 tickets use, as PEM text. */
export function ecKeyPair(curve: 'prime256v1' | 'secp256k1' = 'prime256v1'): {
  privateKeyPem: string;
  publicKeyPem: string;
} {
  const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: curve });
  return {
    privateKeyPem: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
    publicKeyPem: publicKey.export({ type: 'spki', format: 'pem' }).toString(),
  };
}
