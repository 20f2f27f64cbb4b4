// A real OAuth 2.0 / OpenID Connect authorization server (the certified `oidc-provider` package) for the oauth2
// strategy's tests, in its own process (oidc-provider is an ES module, which Jest's CommonJS runtime cannot load).
//
// - client_credentials (built in), with JWT access tokens (RFC 9068) signed EdDSA for the resource `urn:netra:api`;
// - password (RFC 6749 section 4.3, registered with registerGrantType: oidc-provider leaves it out), issuing an access
//   token and a refresh token through the provider's own models, so the built-in refresh_token grant renews them;
// - token exchange (RFC 8693, registered): verifies the subject token against the provider's own keys and issues a
//   JWT for the resource `urn:netra:agent-ws` (audience netra-agent-ws, token_type access, permissions [chat]): the
//   token the reference provider's verifier accepts. `requested_subject` names the user the new token is for.
//
// Configuration comes from the environment (OIDC_CLIENT_SECRET, OIDC_PASSWORD); it prints one JSON line
// {"issuer","jwks_uri","token_endpoint"} once it listens on 127.0.0.1 (ephemeral port), and exits when stdin closes.
'use strict';
const { generateKeyPairSync } = require('node:crypto');
const { createLocalJWKSet, jwtVerify } = require('jose');
const { default: Provider, errors } = require('oidc-provider');

const CLIENT_SECRET = process.env.OIDC_CLIENT_SECRET;
const PASSWORD = process.env.OIDC_PASSWORD;
const EXCHANGE = 'urn:ietf:params:oauth:grant-type:token-exchange';
const API = 'urn:netra:api';
const AGENT_WS = 'urn:netra:agent-ws';

const { privateKey, publicKey } = generateKeyPairSync('ed25519');
const signingJwk = { ...privateKey.export({ format: 'jwk' }), kid: 'oidc-ed25519', alg: 'EdDSA', use: 'sig' };
const publicJwks = {
  keys: [{ ...publicKey.export({ format: 'jwk' }), kid: 'oidc-ed25519', alg: 'EdDSA', use: 'sig' }],
};

const resourceServers = {
  [API]: {
    scope: 'chat',
    audience: 'netra-api',
    accessTokenFormat: 'jwt',
    accessTokenTTL: 300,
    jwt: { sign: { alg: 'EdDSA' } },
  },
  [AGENT_WS]: {
    scope: 'chat',
    audience: 'netra-agent-ws',
    accessTokenFormat: 'jwt',
    accessTokenTTL: 600,
    jwt: { sign: { alg: 'EdDSA' } },
  },
};

const client = (id, method) => ({
  client_id: id,
  client_secret: CLIENT_SECRET,
  grant_types: ['client_credentials', 'password', 'refresh_token', EXCHANGE],
  response_types: [],
  redirect_uris: [],
  token_endpoint_auth_method: method,
  id_token_signed_response_alg: 'EdDSA',
  scope: 'openid offline_access chat',
});

async function main() {
  const server = require('node:http').createServer();
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  const issuer = `http://127.0.0.1:${server.address().port}`;
  const provider = new Provider(issuer, {
    clients: [client('netra-basic', 'client_secret_basic'), client('netra-post', 'client_secret_post')],
    jwks: { keys: [signingJwk] },
    scopes: ['openid', 'offline_access', 'chat'],
    findAccount: (_ctx, id) => ({ accountId: id, claims: () => ({ sub: id }) }),
    features: {
      clientCredentials: { enabled: true },
      devInteractions: { enabled: false },
      resourceIndicators: {
        enabled: true,
        defaultResource: () => API,
        useGrantedResource: () => true,
        getResourceServerInfo: (_ctx, resource) => {
          if (!Object.hasOwn(resourceServers, resource)) throw new errors.InvalidTarget();
          return resourceServers[resource];
        },
      },
    },
    extraTokenClaims: () => ({ token_type: 'access', permissions: ['chat'] }),
    ttl: { RefreshToken: 3600, Grant: 3600 },
    cookies: { keys: [require('node:crypto').randomBytes(32).toString('base64url')] },
  });
  registerPassword(provider);
  registerTokenExchange(provider, issuer);
  server.on('request', provider.callback());
  process.stdout.write(
    `${JSON.stringify({ issuer, jwks_uri: `${issuer}/jwks`, token_endpoint: `${issuer}/token` })}\n`,
  );
  process.stdin.resume();
  process.stdin.on('end', () => server.close(() => process.exit(0)));
}

function registerPassword(provider) {
  provider.registerGrantType(
    'password',
    async (ctx, next) => {
      const { username, password } = ctx.oidc.params;
      if (!username || password !== PASSWORD) throw new errors.InvalidGrant('invalid resource owner credentials');
      const { AccessToken, RefreshToken, Grant, ResourceServer } = ctx.oidc.provider;
      const grant = new Grant({ accountId: username, clientId: ctx.oidc.client.clientId });
      grant.addOIDCScope('openid offline_access');
      grant.addResourceScope(API, 'chat');
      const grantId = await grant.save();
      const access = new AccessToken({
        accountId: username,
        client: ctx.oidc.client,
        grantId,
        gty: 'password',
        scope: 'chat',
      });
      access.resourceServer = new ResourceServer(API, resourceServers[API]);
      const refresh = new RefreshToken({
        accountId: username,
        client: ctx.oidc.client,
        grantId,
        gty: 'password',
        scope: 'openid offline_access',
        resource: API,
        iiat: Math.floor(Date.now() / 1000),
      });
      ctx.body = {
        access_token: await access.save(),
        refresh_token: await refresh.save(),
        expires_in: access.expiration,
        token_type: 'Bearer',
        scope: 'chat',
      };
      await next();
    },
    ['username', 'password', 'scope', 'resource'],
  );
}

function registerTokenExchange(provider, issuer) {
  const keys = createLocalJWKSet(publicJwks);
  provider.registerGrantType(
    EXCHANGE,
    async (ctx, next) => {
      const params = ctx.oidc.params;
      if (params.subject_token_type !== 'urn:ietf:params:oauth:token-type:access_token') {
        throw new errors.InvalidRequest('unsupported subject_token_type');
      }
      let subject;
      try {
        ({ payload: subject } = await jwtVerify(params.subject_token, keys, { issuer, audience: 'netra-api' }));
      } catch {
        throw new errors.InvalidGrant('subject_token is not valid');
      }
      if (params.audience !== 'netra-agent-ws') throw new errors.InvalidTarget('unknown audience');
      const { AccessToken, ResourceServer } = ctx.oidc.provider;
      const user = params.requested_subject || subject.sub;
      const access = new AccessToken({
        accountId: user,
        client: ctx.oidc.client,
        gty: 'token-exchange',
        scope: 'chat',
      });
      access.resourceServer = new ResourceServer(AGENT_WS, resourceServers[AGENT_WS]);
      ctx.body = {
        access_token: await access.save(),
        issued_token_type: 'urn:ietf:params:oauth:token-type:access_token',
        token_type: 'Bearer',
        expires_in: access.expiration,
      };
      await next();
    },
    [
      'subject_token',
      'subject_token_type',
      'requested_token_type',
      'audience',
      'resource',
      'scope',
      'requested_subject',
    ],
  );
}

main().catch((err) => {
  process.stderr.write(`oidc-server failed: ${err && err.message}\n`);
  process.exit(1);
});
