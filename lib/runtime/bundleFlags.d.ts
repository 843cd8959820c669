// Facts fixed when a function is packaged (esbuild `define`, derived in deploy/serverlessFragments.ts), so
// that a deployed bundle carries no code it can never run. Outside a bundle (tests, tsx scripts) they are
// not defined, and `typeof X === 'undefined'` keeps every path available. Use them inline in an
// expression (esbuild folds the expression and drops the dead branch, dynamic imports included).

/** True in bundles packaged for the local stage (where every function verifies the session itself). */
declare const __TTI_LOCAL_STAGE__: boolean | undefined;
/** True in bundles packaged with SESSION_SECRET_ID (the HS256 session secret read from Secrets Manager). */
declare const __TTI_SESSION_SECRET_ID__: boolean | undefined;
/** True in bundles packaged for a stage whose COS functions use Tencent STS (they carry its SDK). */
declare const __TTI_COS_STS__: boolean | undefined;
