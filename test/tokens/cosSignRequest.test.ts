import { describe, expect, it } from 'vitest';
import { parseCosSignRequest } from '../../lib/tokens/cosSignRequest';
import { expectInvalidRequest } from './expectInvalidRequest';

const v5 = { method: 'PUT', key: 'users/alice/a.txt' };
const v4 = { version: 'v4', type: 'reusable', key: 'users/alice/a.txt' };

describe('parseCosSignRequest (v5)', () => {
  it('accepts a minimal request, with or without version "v5"', () => {
    expect(parseCosSignRequest(v5)).toEqual(v5);
    expect(parseCosSignRequest({ ...v5, version: 'v5' })).toEqual({ ...v5, version: 'v5' });
  });

  it('accepts headers, query, expire and userId', () => {
    const body = {
      ...v5,
      headers: { 'Content-Type': 'image/jpeg', 'x-cos-meta-note': 'a b\tc', 'Content-Length': '12' },
      query: { uploads: '', prefix: 'dir/子 目录' },
      expire: 60,
      userId: 'alice',
    };
    expect(parseCosSignRequest(body)).toEqual(body);
  });

  it('requires method and key and refuses unknown fields', () => {
    expect(expectInvalidRequest(() => parseCosSignRequest({}))).toBe(
      'invalid request: method is required; key is required',
    );
    expect(expectInvalidRequest(() => parseCosSignRequest({ ...v5, bucket: 'other-1250000000' }))).toBe(
      'invalid request: bucket is not a known field',
    );
    expectInvalidRequest(() => parseCosSignRequest({ ...v5, type: 'once' }));
  });

  it('refuses an unknown version', () => {
    for (const version of ['v3', 'V5', 5, null]) {
      expect(expectInvalidRequest(() => parseCosSignRequest({ ...v5, version }))).toBe(
        'invalid request: version must be "v5" or "v4"',
      );
    }
  });

  it('passes Host, Authorization and any other header name through to the policy (checkCosRequest)', () => {
    const headers = { Host: 'x', authorization: 'y', 'x-cos-copy-source': 'z' };
    expect(parseCosSignRequest({ ...v5, headers })).toEqual({ ...v5, headers });
  });

  it('accepts the numeric values the COS SDKs describe (Content-Length, partNumber)', () => {
    const body = { ...v5, headers: { 'Content-Length': 12 }, query: { partNumber: 1, uploadId: 'u' } };
    expect(parseCosSignRequest(body)).toEqual(body);
  });

  it('allows 20 headers and query parameters, not 21', () => {
    const entries = (n: number) =>
      Object.fromEntries(Array.from({ length: n }, (_, i) => [`x-cos-meta-${i}`, 'v']));
    expect(parseCosSignRequest({ ...v5, headers: entries(20), query: entries(20) })).toBeTruthy();
    expectInvalidRequest(() => parseCosSignRequest({ ...v5, headers: entries(21) }));
    expectInvalidRequest(() => parseCosSignRequest({ ...v5, query: entries(21) }));
  });

  it('allows names of 64 characters from [A-Za-z0-9._~-], not 65 or others', () => {
    const long = 'a'.repeat(64);
    expect(parseCosSignRequest({ ...v5, query: { [long]: '', 'A.b_c~d-9': '' } })).toBeTruthy();
    for (const name of [`${long}a`, '', 'a b', 'a/b', 'a:b', 'é', 'a%20']) {
      expectInvalidRequest(() => parseCosSignRequest({ ...v5, query: { [name]: '' } }));
      expectInvalidRequest(() => parseCosSignRequest({ ...v5, headers: { [name]: 'v' } }));
    }
  });

  it('refuses names that differ only in case, which cannot be signed unambiguously', () => {
    expectInvalidRequest(() => parseCosSignRequest({ ...v5, query: { Prefix: 'a', prefix: 'b' } }));
    expectInvalidRequest(() =>
      parseCosSignRequest({ ...v5, headers: { 'Content-Type': 'a', 'content-type': 'b' } }),
    );
  });

  it('refuses __proto__, prototype and constructor rather than dropping them silently', () => {
    for (const name of ['__proto__', 'prototype', 'constructor']) {
      const body = JSON.parse(`{"method":"GET","key":"users/alice/a","query":{"${name}":"x"}}`);
      expect(expectInvalidRequest(() => parseCosSignRequest(body))).toContain('__proto__');
    }
  });

  it('allows values of 1024 characters, not 1025', () => {
    expect(parseCosSignRequest({ ...v5, headers: { 'x-cos-meta-a': 'v'.repeat(1024) } })).toBeTruthy();
    expect(parseCosSignRequest({ ...v5, query: { a: 'v'.repeat(1024) } })).toBeTruthy();
    expectInvalidRequest(() => parseCosSignRequest({ ...v5, headers: { 'x-cos-meta-a': 'v'.repeat(1025) } }));
    expectInvalidRequest(() => parseCosSignRequest({ ...v5, query: { a: 'v'.repeat(1025) } }));
  });

  it.each([
    '',
    ' padded',
    'padded ',
    'a\nb',
    'a\rb',
    'a\u0000b',
    'café',
    '猫',
    '\t',
  ])('refuses the header value %j, which would not travel as signed', (value) => {
    expectInvalidRequest(() => parseCosSignRequest({ ...v5, headers: { 'x-cos-meta-a': value } }));
  });

  it('refuses values that are neither strings nor finite numbers, and query values with lone surrogates', () => {
    for (const value of [true, null, {}, [], '1e999']) {
      const raw = JSON.parse(
        `{"method":"GET","key":"users/alice/a","headers":{"a":${typeof value === 'string' ? value : JSON.stringify(value)}}}`,
      );
      expectInvalidRequest(() => parseCosSignRequest(raw));
    }
    expectInvalidRequest(() => parseCosSignRequest({ ...v5, query: { a: Number.NaN } }));
    expectInvalidRequest(() => parseCosSignRequest({ ...v5, query: { a: 'x\uD800' } }));
    expectInvalidRequest(() => parseCosSignRequest({ ...v5, query: ['a'] }));
    expectInvalidRequest(() => parseCosSignRequest({ ...v5, headers: null }));
  });

  it('never echoes values or odd names in its messages', () => {
    const message = expectInvalidRequest(() =>
      parseCosSignRequest({ ...v5, headers: { 'bad name<script>': 'SECRET-1', ok: ' SECRET-2' } }),
    );
    expect(message).not.toContain('SECRET');
    expect(message).not.toContain('<script>');
  });
});

describe('parseCosSignRequest (v4)', () => {
  it('accepts reusable and one-time requests', () => {
    expect(parseCosSignRequest({ ...v4, expire: 60, userId: 'alice' })).toEqual({
      ...v4,
      expire: 60,
      userId: 'alice',
    });
    expect(parseCosSignRequest({ ...v4, type: 'once' })).toEqual({ ...v4, type: 'once' });
  });

  it('lets a missing key through, for the policy to refuse as too wide', () => {
    expect(parseCosSignRequest({ version: 'v4', type: 'reusable' })).toEqual({
      version: 'v4',
      type: 'reusable',
    });
  });

  it('refuses an expiry on a one-time signature, which has none', () => {
    expect(expectInvalidRequest(() => parseCosSignRequest({ ...v4, type: 'once', expire: 60 }))).toBe(
      'invalid request: expire must be omitted for a one-time signature',
    );
  });

  it('refuses unknown types and v5-only fields', () => {
    expectInvalidRequest(() => parseCosSignRequest({ ...v4, type: 'multi' }));
    expectInvalidRequest(() => parseCosSignRequest({ version: 'v4', key: 'users/alice/a' }));
    expect(expectInvalidRequest(() => parseCosSignRequest({ ...v4, method: 'GET' }))).toBe(
      'invalid request: method is not a known field',
    );
  });
});
