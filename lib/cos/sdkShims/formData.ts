// Bundled in place of `form-data` (serverless.yml, custom.esbuild.alias). Tencent's SDK builds one only
// for multipart uploads (`options.multipart`), which no STS call makes; the package and its MIME
// database (mime-db) are ~140 KB of every COS bundle. Should a multipart request ever be built, it
// fails loudly instead of being sent wrong.

/**
 * Throws on construction: multipart request bodies are not part of these bundles.
 *
 * @example
 * ```ts
 * new FormData(); // throws Error
 * ```
 */
export default class FormData {
  constructor() {
    throw new Error('multipart request bodies are not bundled (see lib/cos/sdkShims/formData.ts)');
  }
}
