// Runs in a fresh Node process, the way Lambda runs a container: INIT (import the packaged bundle, whose
// top-level await does the one-time work), the first invocation, then warm invocations. Prints one JSON
// line with the CPU and wall time of each phase (ms), measured from inside the process.
const [, , bundlePath, eventJson, warmRunsText] = process.argv;
const cpuMs = () => {
  const { user, system } = process.cpuUsage();
  return (user + system) / 1000;
};
const bootCpuMs = cpuMs();
const t0 = performance.now();
const { handler } = await import(bundlePath);
const initCpuMs = cpuMs() - bootCpuMs;
const initWallMs = performance.now() - t0;

const event = JSON.parse(eventJson);
const context = { awsRequestId: 'cold-start', getRemainingTimeInMillis: () => 6000 };
const invoke = async () => {
  const c = cpuMs();
  const t = performance.now();
  const result = await handler(event, context);
  const ok =
    result && (result.statusCode === 200 || (result.isAuthorized === true && result.context?.userId));
  if (!ok) {
    process.stderr.write(`unexpected result: ${JSON.stringify(result)}\n`);
    process.exit(1);
  }
  return { cpu: cpuMs() - c, wall: performance.now() - t };
};
const first = await invoke();
const warm = [];
for (let i = 0; i < Number(warmRunsText ?? 20); i++) warm.push(await invoke());
const median = (values) => [...values].sort((a, b) => a - b)[values.length >> 1];
process.stdout.write(
  `${JSON.stringify({
    bootCpuMs,
    initCpuMs,
    initWallMs,
    firstCpuMs: first.cpu,
    firstWallMs: first.wall,
    warmCpuMs: median(warm.map((w) => w.cpu)),
    warmWallMs: median(warm.map((w) => w.wall)),
  })}\n`,
);
