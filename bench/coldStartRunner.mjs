// Runs in a fresh Node process: import one packaged function bundle, serve one request, exit.
// The parent measures the whole process, from spawn to exit, against a bare `node -e 0`.
const [, , bundlePath, eventJson, mode] = process.argv;
const { handler } = await import(bundlePath);
if (mode === 'import') process.exit(0);
const result = await handler(JSON.parse(eventJson), {
  awsRequestId: 'cold-start',
  getRemainingTimeInMillis: () => 6000,
});
const ok = result && (result.statusCode === 200 || (result.isAuthorized === true && result.context?.userId));
if (!ok) {
  process.stderr.write(`unexpected result: ${JSON.stringify(result)}\n`);
  process.exit(1);
}
