// Bundled in place of `https-proxy-agent` (serverless.yml, custom.esbuild.alias). Tencent's SDK builds one
// only when no agent is passed and a proxy is set (`options.proxy || process.env.http_proxy`); our STS
// client always passes its own agent, so the package and its `debug` dependency (~15 KB) are dead weight.
// Should one ever be built, it fails loudly instead of sending requests somewhere else.

/**
 * Throws on construction: proxies are not part of these bundles.
 *
 * @example
 * ```ts
 * new HttpsProxyAgent('http://proxy:3128'); // throws Error
 * ```
 */
export default class HttpsProxyAgent {
  constructor() {
    throw new Error('HTTP proxies are not bundled (see lib/cos/sdkShims/httpsProxyAgent.ts)');
  }
}
