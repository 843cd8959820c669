import { generateKeyPairSync } from 'node:crypto';

/**
 * A fresh legacy v1 key pair (as the Tencent console's keys.zip holds one): SEC1 private key and SPKI
 * public key PEMs. Generated per test run: no key is committed.
 *
 * @example
 * ```ts
 * const { privateKeyPem, publicKeyPem } = v1KeyPair('prime256v1');
 * ```
 */
export function v1KeyPair(namedCurve: 'prime256v1' | 'secp256k1' = 'secp256k1'): {
  privateKeyPem: string;
  publicKeyPem: string;
} {
  const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve });
  return {
    privateKeyPem: privateKey.export({ type: 'sec1', format: 'pem' }).toString(),
    publicKeyPem: publicKey.export({ type: 'spki', format: 'pem' }).toString(),
  };
}
