#!/usr/bin/env node
/**
 * The `cognate` command. Each subcommand lives in its own module and is loaded only when used,
 * so `cognate totp code` does not pay for the server's imports.
 */
const usage = `Usage: cognate <command> [options]

Commands:
  serve                     start the Cognito-compatible server (cognate serve --help)
  cognito-idp <operation>   call an operation, like 'aws cognito-idp' (cognate cognito-idp help)
  totp <uri|qr|code>        TOTP helpers for authenticator apps (cognate totp help)
  seed export               print a pool as a seed file for serve --seed (cognate seed help)

Options:
  --version                 print the version
`;

/** The version in package.json, read at run time: two levels up from src/cli or dist/cli is the package root. */
async function version(): Promise<string> {
  const { readFileSync } = await import('node:fs');
  const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string };
  return pkg.version;
}

async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  switch (command) {
    case 'serve':
      return (await import('./serve.js')).runServe(rest);
    case 'cognito-idp':
      return (await import('./cognitoIdp.js')).runCognitoIdp(rest);
    case 'totp':
      return (await import('./totp.js')).runTotp(rest);
    case 'seed':
      return (await import('../seed/export.js')).runSeed(rest);
    case '--version':
      process.stdout.write(`cognate ${await version()}\n`);
      return 0;
    case undefined:
    case 'help':
    case '--help':
    case '-h':
      process.stdout.write(usage);
      return command === undefined ? 252 : 0;
    default:
      process.stderr.write(`${usage}\ncognate: error: unknown command '${command}'\n`);
      return 252;
  }
}

main(process.argv.slice(2)).then(
  (code) => {
    // serve keeps the process alive itself; other commands end here.
    if (code !== -1) process.exitCode = code;
  },
  (err) => {
    process.stderr.write(`cognate: ${err instanceof Error ? err.message : String(err)}\n`);
    process.exitCode = 255;
  },
);
