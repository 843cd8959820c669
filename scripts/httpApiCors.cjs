// serverless.yml: provider.httpApi.cors, from the same CORS_ALLOWED_ORIGINS the functions read.
// API Gateway must answer the browser's preflight (the Authorization header triggers one) itself;
// with no origins configured, CORS stays off at the gateway too (deny by default).
module.exports = () => {
  const origins = (process.env.CORS_ALLOWED_ORIGINS ?? '')
    .split(',')
    .map((origin) => origin.trim())
    .filter(Boolean);
  if (origins.length === 0) return false;
  return {
    allowedOrigins: origins,
    allowedHeaders: ['Authorization', 'Content-Type'],
    allowedMethods: ['POST'],
    maxAge: 600,
  };
};
