import { describe, expect, it } from 'vitest';
import FormData from '../../lib/cos/sdkShims/formData';
import HttpsProxyAgent from '../../lib/cos/sdkShims/httpsProxyAgent';
import whatwgUrl, { URL as ShimUrl } from '../../lib/cos/sdkShims/whatwgUrl';

// The two modules bundled in place of dependencies of Tencent's SDK (serverless.yml, esbuild alias).

describe('sdk shims', () => {
  it('whatwg-url gives node-fetch the platform URL', () => {
    expect(whatwgUrl.URL).toBe(globalThis.URL);
    expect(ShimUrl).toBe(globalThis.URL);
    expect(new whatwgUrl.URL('http://127.0.0.1:8080/a?b=c').host).toBe('127.0.0.1:8080');
  });

  it('form-data fails loudly if a multipart body is ever built', () => {
    expect(() => new FormData()).toThrow('multipart request bodies are not bundled');
  });

  it('https-proxy-agent fails loudly if a proxy is ever configured', () => {
    expect(() => new HttpsProxyAgent()).toThrow('HTTP proxies are not bundled');
  });
});
