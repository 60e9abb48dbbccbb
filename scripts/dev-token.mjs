// `npm run -s token [-- options]`: mints a development token signed with a local key, so Augur can be tried with signed
// tokens and tenants without an identity provider. The first run makes an ES256 key pair in `.augur-dev/`
// (`dev-key.json`, private: keep it out of version control; `jwks.json`, its public half for AUGUR_JWT_JWKS_FILE).
// Prints the token on standard output and, on standard error, the settings that make Augur accept it.
//
// Options: --org <tenant> (the `org` claim; default `demo`), --scope "<scopes>" (default: read and write on every
// platform), --sub <subject> (default `developer`), --ttl <seconds> (default 3600), --dir <key directory>.
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { exportJWK, generateKeyPair, importJWK, SignJWT } from 'jose';

const DEV_ISSUER = 'augur-dev';
const DEV_AUDIENCE = 'augur';
const EVERY_SCOPE = ['prevision', 'dataiku', 'civis', 'previsto'].flatMap((p) => [`${p}:read`, `${p}:write`]).join(' ');

const { values } = parseArgs({
  options: {
    org: { type: 'string', default: 'demo' },
    scope: { type: 'string', default: EVERY_SCOPE },
    sub: { type: 'string', default: 'developer' },
    ttl: { type: 'string', default: '3600' },
    dir: { type: 'string', default: '.augur-dev' },
  },
});
const ttl = Number(values.ttl);
if (!Number.isInteger(ttl) || ttl < 1) {
  console.error(`--ttl must be a whole number of seconds, got "${values.ttl}".`);
  process.exit(2);
}

const dir = resolve(values.dir);
const privatePath = join(dir, 'dev-key.json');
const jwksPath = join(dir, 'jwks.json');
if (!existsSync(privatePath)) {
  mkdirSync(dir, { recursive: true });
  const { privateKey, publicKey } = await generateKeyPair('ES256', { extractable: true });
  const kid = `dev-${Date.now().toString(36)}`;
  writeFileSync(privatePath, `${JSON.stringify({ ...(await exportJWK(privateKey)), kid, alg: 'ES256' }, null, 2)}\n`, { mode: 0o600 });
  writeFileSync(jwksPath, `${JSON.stringify({ keys: [{ ...(await exportJWK(publicKey)), kid, alg: 'ES256', use: 'sig' }] }, null, 2)}\n`);
  writeFileSync(join(dir, '.gitignore'), '*\n');
  console.error(`Made a development key pair in ${dir}.`);
}
const jwk = JSON.parse(readFileSync(privatePath, 'utf8'));
const key = await importJWK(jwk, 'ES256');
const token = await new SignJWT({ scope: values.scope, ...(values.org ? { org: values.org } : {}) })
  .setProtectedHeader({ alg: 'ES256', kid: jwk.kid, typ: 'JWT' })
  .setSubject(values.sub)
  .setIssuer(DEV_ISSUER)
  .setAudience(DEV_AUDIENCE)
  .setIssuedAt()
  .setExpirationTime(`${ttl}s`)
  .sign(key);
console.log(token);
console.error(`Augur accepts it with AUGUR_JWT_JWKS_FILE=${jwksPath} AUGUR_JWT_ISSUER=${DEV_ISSUER} AUGUR_JWT_AUDIENCE=${DEV_AUDIENCE}`);
