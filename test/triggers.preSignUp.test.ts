import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import {
  AdminGetUserCommand,
  CreateUserPoolClientCommand,
  CreateUserPoolCommand,
  DescribeUserPoolCommand,
  SignUpCommand,
  UpdateUserPoolCommand,
  type CognitoIdentityProviderClient,
} from '@aws-sdk/client-cognito-identity-provider';
import { PASSWORD, rejectsWith } from './support/fixtures.js';
import { lambdaArn, startLambdaServer, type LambdaServer } from './support/lambdaServer.js';
import { sdk, startServer, type TestServer } from './support/server.js';

let lambda: LambdaServer;
let server: TestServer;
let client: CognitoIdentityProviderClient;
/** What the PreSignUp function does next; each test sets it. */
let preSignUp: (event: any) => unknown = (event) => event;

before(async () => {
  lambda = await startLambdaServer({ PreSignUp: (event) => preSignUp(event) });
  server = await startServer({ lambdaEndpoint: lambda.url });
  client = sdk(server.url);
});
after(async () => {
  await server?.stop();
  await lambda?.stop();
});

async function triggerPool(extra: Record<string, unknown> = {}) {
  const pool = await client.send(
    new CreateUserPoolCommand({ PoolName: 'triggers', AutoVerifiedAttributes: ['email'], LambdaConfig: { PreSignUp: lambdaArn('PreSignUp') }, ...extra }),
  );
  const poolId = pool.UserPool!.Id!;
  const app = await client.send(new CreateUserPoolClientCommand({ UserPoolId: poolId, ClientName: 'web', ExplicitAuthFlows: ['ALLOW_USER_PASSWORD_AUTH', 'ALLOW_REFRESH_TOKEN_AUTH'] }));
  return { poolId, clientId: app.UserPoolClient!.ClientId! };
}

test('SignUp invokes PreSignUp through the Lambda API with Cognito\'s event; autoConfirmUser and autoVerifyEmail act', async () => {
  const { poolId, clientId } = await triggerPool();
  preSignUp = (event) => ({ ...event, response: { autoConfirmUser: true, autoVerifyEmail: true, autoVerifyPhone: false } });
  const before = lambda.invocations.length;
  const answer = await client.send(
    new SignUpCommand({
      ClientId: clientId,
      Username: 'ann',
      Password: PASSWORD,
      UserAttributes: [{ Name: 'email', Value: 'ann@example.com' }],
      ValidationData: [{ Name: 'invite', Value: 'x1' }],
      ClientMetadata: { source: 'test' },
    }),
  );
  assert.equal(answer.UserConfirmed, true);
  assert.equal(answer.CodeDeliveryDetails, undefined, 'an auto-confirmed user is sent no code');
  assert.equal(lambda.invocations.length, before + 1);
  const { functionName, event } = lambda.invocations.at(-1)!;
  assert.equal(functionName, 'PreSignUp');
  assert.deepEqual(event, {
    version: '1',
    triggerSource: 'PreSignUp_SignUp',
    region: 'us-east-1',
    userPoolId: poolId,
    userName: 'ann',
    callerContext: { awsSdkVersion: 'aws-sdk-unknown-unknown', clientId },
    request: { userAttributes: { email: 'ann@example.com' }, validationData: { invite: 'x1' }, clientMetadata: { source: 'test' } },
    response: { autoConfirmUser: false, autoVerifyEmail: false, autoVerifyPhone: false },
  });
  const user = await client.send(new AdminGetUserCommand({ UserPoolId: poolId, Username: 'ann' }));
  assert.equal(user.UserStatus, 'CONFIRMED');
  assert.equal(user.UserAttributes!.find((a) => a.Name === 'email_verified')?.Value, 'true');
});

test('a PreSignUp function that throws refuses the sign-up with Cognito\'s message and leaves no user', async () => {
  const { poolId, clientId } = await triggerPool();
  preSignUp = () => {
    throw new Error('Registration from this domain is not allowed.');
  };
  await rejectsWith(
    client.send(new SignUpCommand({ ClientId: clientId, Username: 'bob', Password: PASSWORD, UserAttributes: [{ Name: 'email', Value: 'bob@fail.com' }] })),
    'UserLambdaValidationException',
    'PreSignUp failed with error Registration from this domain is not allowed..',
  );
  await rejectsWith(client.send(new AdminGetUserCommand({ UserPoolId: poolId, Username: 'bob' })), 'UserNotFoundException');
  // The function returning its event unchanged signs the user up as usual.
  preSignUp = (event) => event;
  const answer = await client.send(
    new SignUpCommand({ ClientId: clientId, Username: 'bob', Password: PASSWORD, UserAttributes: [{ Name: 'email', Value: 'bob@fail.com' }] }),
  );
  assert.equal(answer.UserConfirmed, false);
  assert.equal(answer.CodeDeliveryDetails?.DeliveryMedium, 'EMAIL');
});

test('LambdaConfig is kept and described; PreTokenGeneration and its versioned config name the same function', async () => {
  const { poolId } = await triggerPool({
    LambdaConfig: { PreSignUp: lambdaArn('PreSignUp'), PreTokenGeneration: lambdaArn('PreToken') },
  });
  const described = await client.send(new DescribeUserPoolCommand({ UserPoolId: poolId }));
  assert.deepEqual(described.UserPool!.LambdaConfig, {
    PreSignUp: lambdaArn('PreSignUp'),
    PreTokenGeneration: lambdaArn('PreToken'),
    PreTokenGenerationConfig: { LambdaVersion: 'V1_0', LambdaArn: lambdaArn('PreToken') },
  });
  await client.send(
    new UpdateUserPoolCommand({
      UserPoolId: poolId,
      LambdaConfig: {
        PreTokenGenerationConfig: { LambdaVersion: 'V2_0', LambdaArn: lambdaArn('PreToken2') },
        CustomEmailSender: { LambdaVersion: 'V1_0', LambdaArn: lambdaArn('Sender') },
        KMSKeyID: 'arn:aws:kms:us-east-1:123456789012:key/abc',
      },
    }),
  );
  const updated = await client.send(new DescribeUserPoolCommand({ UserPoolId: poolId }));
  assert.deepEqual(updated.UserPool!.LambdaConfig, {
    PreTokenGeneration: lambdaArn('PreToken2'),
    PreTokenGenerationConfig: { LambdaVersion: 'V2_0', LambdaArn: lambdaArn('PreToken2') },
    CustomEmailSender: { LambdaVersion: 'V1_0', LambdaArn: lambdaArn('Sender') },
    KMSKeyID: 'arn:aws:kms:us-east-1:123456789012:key/abc',
  });
  await rejectsWith(
    client.send(
      new UpdateUserPoolCommand({
        UserPoolId: poolId,
        LambdaConfig: { PreTokenGeneration: lambdaArn('A'), PreTokenGenerationConfig: { LambdaVersion: 'V1_0', LambdaArn: lambdaArn('B') } },
      }),
    ),
    'InvalidParameterException',
  );
  await rejectsWith(
    client.send(new UpdateUserPoolCommand({ UserPoolId: poolId, LambdaConfig: { CustomSMSSender: { LambdaVersion: 'V1_0', LambdaArn: lambdaArn('Sms') } } })),
    'InvalidParameterException',
  );
  await rejectsWith(
    client.send(new UpdateUserPoolCommand({ UserPoolId: poolId, LambdaConfig: { PreSignUp: 'not-an-arn-but-long-enough' } })),
    'InvalidParameterException',
  );
  await rejectsWith(
    client.send(new UpdateUserPoolCommand({ UserPoolId: poolId, LambdaConfig: { PreTokenGenerationConfig: { LambdaVersion: 'V9_0' as any, LambdaArn: lambdaArn('X') } } })),
    'InvalidParameterException',
  );
});

test('a pool with a trigger on a server without a Lambda endpoint answers a clear error at the operation', async (t) => {
  if (process.env.AWS_ENDPOINT_URL || process.env.AWS_ENDPOINT_URL_LAMBDA) return t.skip('AWS_ENDPOINT_URL is set in this environment');
  const bare = await startServer();
  try {
    const bareClient = sdk(bare.url);
    const pool = await bareClient.send(new CreateUserPoolCommand({ PoolName: 'no-endpoint', LambdaConfig: { PreSignUp: lambdaArn('PreSignUp') } }));
    const app = await bareClient.send(new CreateUserPoolClientCommand({ UserPoolId: pool.UserPool!.Id!, ClientName: 'web' }));
    await rejectsWith(
      bareClient.send(new SignUpCommand({ ClientId: app.UserPoolClient!.ClientId!, Username: 'cy', Password: PASSWORD })),
      'UnexpectedLambdaException',
      /^PreSignUp invocation failed due to error no Lambda endpoint is configured in Cognate \(start it with --lambda-endpoint/,
    );
    await rejectsWith(bareClient.send(new AdminGetUserCommand({ UserPoolId: pool.UserPool!.Id!, Username: 'cy' })), 'UserNotFoundException');
  } finally {
    await bare.stop();
  }
});
