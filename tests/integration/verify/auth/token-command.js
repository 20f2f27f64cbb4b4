// A credential command for the `command` strategy's tests, in the manner of kubectl's exec plugins: it gets a real
// token from the reference auth service (AUTH_URL) and prints it in the shape `mode` asks for, or misbehaves on
// purpose. Usage: node token-command.js MODE USER [KIND]
'use strict';
/* global fetch, setTimeout */
const { spawn } = require('node:child_process');

async function devToken(user, permissions) {
  const response = await fetch(`${process.env.AUTH_URL}/auth/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ sub: user, ...(permissions ? { permissions } : {}) }),
  });
  return response.json();
}

async function main() {
  const [mode, user, kind] = process.argv.slice(2);
  switch (mode) {
    case 'json': {
      const pair = await devToken(user);
      process.stdout.write(JSON.stringify({ access_token: pair.access_token, expires_in: pair.expires_in }));
      return;
    }
    case 'plain':
      process.stdout.write(`${(await devToken(user)).access_token}\n`);
      return;
    case 'exec': {
      const pair = await devToken(user);
      const expirationTimestamp = new Date(Date.now() + pair.expires_in * 1000).toISOString();
      const credential = {
        apiVersion: 'client.authentication.k8s.io/v1',
        kind: 'ExecCredential',
        status: { token: pair.access_token, expirationTimestamp },
      };
      process.stdout.write(JSON.stringify(credential));
      return;
    }
    case 'kind':
      if (kind === 'valid') process.stdout.write((await devToken(user)).access_token);
      else if (kind === 'missing_permission') process.stdout.write((await devToken(user, ['profile'])).access_token);
      else if (kind === 'wrong_type') process.stdout.write((await devToken(user)).refresh_token);
      else process.exit(3);
      return;
    case 'leak-fail':
      // A careless script: prints its secret and a token on stderr, then fails.
      process.stderr.write(
        `login failed with secret=${process.env.NETRA_TEST_CMD_SECRET} token=${(await devToken(user)).access_token}\n`,
      );
      process.exit(1);
      return;
    case 'leak-garbage':
      process.stdout.write(`here is your secret ${process.env.NETRA_TEST_CMD_SECRET} and more words\n`);
      return;
    case 'slow':
      // A grandchild keeps the pipes open: the strategy must kill the whole process group, not only this process.
      spawn('sleep', ['30'], { stdio: 'inherit' });
      await new Promise((resolve) => setTimeout(resolve, 30_000));
      return;
    case 'flood':
      process.stdout.write('x'.repeat(200 * 1024));
      return;
    default:
      process.exit(64);
  }
}

main().catch(() => process.exit(70));
