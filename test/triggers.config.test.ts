import { test } from 'node:test';
import assert from 'node:assert/strict';
import { CreateUserPoolClientCommand, CreateUserPoolCommand, SignUpCommand } from '@aws-sdk/client-cognito-identity-provider';
import { configFromArgs } from '../src/cli/serve.js';
import { functionFromArn, lambdaEndpoint } from '../src/triggers/lambdaClient.js';
import { PASSWORD } from './support/fixtures.js';
import { startLambdaServer } from './support/lambdaServer.js';
import { sdk, startServerProcess } from './support/server.js';

test('the Lambda endpoint: --lambda-endpoint, COGNATE_LAMBDA_ENDPOINT, else AWS_ENDPOINT_URL_LAMBDA, else AWS_ENDPOINT_URL', () => {
  const config = configFromArgs(['--lambda-endpoint', 'http://127.0.0.1:3001'], {});
  assert.ok(config !== 'help');
  assert.equal(config.lambdaEndpoint, 'http://127.0.0.1:3001');
  assert.equal(config.lambdaTimeoutMs, 5000, "Cognito's 5 seconds by default");
  const fromEnv = configFromArgs([], { COGNATE_LAMBDA_ENDPOINT: 'http://localhost:4566', COGNATE_LAMBDA_TIMEOUT_MS: '250' });
  assert.ok(fromEnv !== 'help');
  assert.equal(fromEnv.lambdaEndpoint, 'http://localhost:4566');
  assert.equal(fromEnv.lambdaTimeoutMs, 250);
  assert.throws(() => configFromArgs(['--lambda-endpoint', 'localhost:3001'], {}), /--lambda-endpoint must be an http:\/\/ or https:\/\/ URL/);
  assert.equal(lambdaEndpoint('http://a', { AWS_ENDPOINT_URL_LAMBDA: 'http://b', AWS_ENDPOINT_URL: 'http://c' }), 'http://a');
  assert.equal(lambdaEndpoint(undefined, { AWS_ENDPOINT_URL_LAMBDA: 'http://b', AWS_ENDPOINT_URL: 'http://c' }), 'http://b');
  assert.equal(lambdaEndpoint(undefined, { AWS_ENDPOINT_URL: 'http://c' }), 'http://c');
  assert.equal(lambdaEndpoint(undefined, {}), undefined);
});

test('the function name and qualifier come from the ARN', () => {
  assert.deepEqual(functionFromArn('arn:aws:lambda:eu-west-1:123456789012:function:PreSignUp'), { functionName: 'PreSignUp', region: 'eu-west-1' });
  assert.deepEqual(functionFromArn('arn:aws:lambda:eu-west-1:123456789012:function:PreSignUp:live'), {
    functionName: 'PreSignUp',
    qualifier: 'live',
    region: 'eu-west-1',
  });
});

test('cognate serve invokes triggers at AWS_ENDPOINT_URL_LAMBDA, with the ARN\'s qualifier', async () => {
  const lambda = await startLambdaServer({ PreSignUp: (event) => ({ ...event, response: { autoConfirmUser: true } }) });
  const server = await startServerProcess(['--db', ':memory:'], { AWS_ENDPOINT_URL_LAMBDA: lambda.url, AWS_ENDPOINT_URL: '', COGNATE_LAMBDA_ENDPOINT: '' });
  try {
    const client = sdk(server.url);
    const pool = await client.send(
      new CreateUserPoolCommand({ PoolName: 'cli', LambdaConfig: { PreSignUp: 'arn:aws:lambda:us-east-1:123456789012:function:PreSignUp:live' } }),
    );
    const app = await client.send(new CreateUserPoolClientCommand({ UserPoolId: pool.UserPool!.Id!, ClientName: 'web' }));
    const answer = await client.send(new SignUpCommand({ ClientId: app.UserPoolClient!.ClientId!, Username: 'ann', Password: PASSWORD }));
    assert.equal(answer.UserConfirmed, true);
    assert.equal(lambda.invocations.length, 1);
    assert.equal(lambda.invocations[0].functionName, 'PreSignUp');
    assert.equal(lambda.invocations[0].qualifier, 'live');
  } finally {
    await server.stop();
    await lambda.stop();
  }
});
