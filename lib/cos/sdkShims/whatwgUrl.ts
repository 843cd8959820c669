// Bundled in place of `whatwg-url` (serverless.yml, custom.esbuild.alias). node-fetch 2, which Tencent's
// STS SDK sends with, imports it only as a fallback for runtimes without a global URL
// (`Url.URL || whatwgUrl.URL`); Node has one, and whatwg-url's Unicode tables (tr46) are ~265 KB of
// every COS bundle, paid at each cold start.

/**
 * The one member node-fetch reads: the platform's URL class.
 *
 * @example
 * ```ts
 * new whatwgUrl.URL('https://sts.tencentcloudapi.com/').host; // 'sts.tencentcloudapi.com'
 * ```
 */
const whatwgUrl = { URL: globalThis.URL };
export default whatwgUrl;
export const { URL } = whatwgUrl;
