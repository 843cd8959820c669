// serverless.yml reads its derived parts from here: ${file(./deploy/serverless.cjs):<part>}. The
// Serverless Framework loads CommonJS; the fragments are TypeScript (they share lib/config.ts with the
// functions), so they are loaded through tsx, once per serverless command.
let fragments;

// Unusable settings are reported once, through provider.region (resolved first), with every problem;
// the other parts resolve to inert placeholders so that serverless does not repeat the same list for
// each of them.
function refused(error) {
  const placeholder = {
    httpPort: 3000,
    lambdaPort: 3002,
    authorizerCacheSeconds: 0,
    throttleRateLimit: 1,
    throttleBurstLimit: 1,
  };
  return {
    get region() {
      throw error;
    },
    functions: {},
    roles: {},
    resources: {},
    httpApiCors: false,
    deploy: placeholder,
    esbuildDefine: {},
  };
}

module.exports = async ({ options, resolveVariable }) => {
  fragments ??= (async () => {
    const tsx = require('tsx/cjs/api');
    const { serverlessFragments, DeploySettingsError } = tsx.require('./serverlessFragments.ts', __filename);
    try {
      return await serverlessFragments({
        service: await resolveVariable('self:service'),
        stage: await resolveVariable('sls:stage'),
        region: options.region,
        env: process.env,
      });
    } catch (error) {
      if (error instanceof DeploySettingsError) return refused(error);
      throw error;
    }
  })();
  return fragments;
};
