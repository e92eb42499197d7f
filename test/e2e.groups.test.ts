import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  AdminAddUserToGroupCommand,
  AdminDeleteUserCommand,
  AdminInitiateAuthCommand,
  AdminListGroupsForUserCommand,
  AdminRemoveUserFromGroupCommand,
  CreateGroupCommand,
  DeleteGroupCommand,
  DeleteUserCommand,
  DeleteUserPoolCommand,
  GetGroupCommand,
  InitiateAuthCommand,
  ListGroupsCommand,
  ListUsersInGroupCommand,
  UpdateGroupCommand,
  paginateAdminListGroupsForUser,
  paginateListGroups,
  paginateListUsersInGroup,
} from '@aws-sdk/client-cognito-identity-provider';
import { createPool, createUser, passwordSignIn, PASSWORD, rejectsWith } from './support/fixtures.js';
import { sdk, useServer, type TestServer } from './support/server.js';

let server: TestServer;
let client: ReturnType<typeof sdk>;
useServer((s, c) => ((server = s), (client = c)));

const claims = (jwt: string) => JSON.parse(Buffer.from(jwt.split('.')[1], 'base64url').toString('utf8'));
const role = (name: string) => `arn:aws:iam::123456789012:role/${name}`;
const missingPool = 'us-east-1_Missing0';

test('CreateGroup, GetGroup, UpdateGroup (only the given members), DeleteGroup, with GroupType as Cognito returns it', async () => {
  const { poolId } = await createPool(client);
  const created = await client.send(
    new CreateGroupCommand({ UserPoolId: poolId, GroupName: 'admins', Description: 'Administrators', RoleArn: role('admin'), Precedence: 1 }),
  );
  const now = new Date(server.clock.now());
  assert.deepEqual(created.Group, {
    GroupName: 'admins',
    UserPoolId: poolId,
    Description: 'Administrators',
    RoleArn: role('admin'),
    Precedence: 1,
    LastModifiedDate: now,
    CreationDate: now,
  });
  const bare = await client.send(new CreateGroupCommand({ UserPoolId: poolId, GroupName: 'readers' }));
  assert.deepEqual(bare.Group, { GroupName: 'readers', UserPoolId: poolId, LastModifiedDate: now, CreationDate: now }, 'absent members are left out');
  assert.deepEqual((await client.send(new GetGroupCommand({ UserPoolId: poolId, GroupName: 'admins' }))).Group, created.Group);

  server.clock.advance(60_000);
  const updated = await client.send(new UpdateGroupCommand({ UserPoolId: poolId, GroupName: 'admins', Precedence: 7 }));
  assert.deepEqual(updated.Group, { ...created.Group, Precedence: 7, LastModifiedDate: new Date(server.clock.now()) });
  const described = await client.send(new UpdateGroupCommand({ UserPoolId: poolId, GroupName: 'admins', Description: 'Admins', RoleArn: role('root') }));
  assert.equal(described.Group!.Description, 'Admins');
  assert.equal(described.Group!.RoleArn, role('root'));
  assert.equal(described.Group!.Precedence, 7, 'kept: not in the request');
  assert.deepEqual((await client.send(new GetGroupCommand({ UserPoolId: poolId, GroupName: 'admins' }))).Group, described.Group);

  await client.send(new DeleteGroupCommand({ UserPoolId: poolId, GroupName: 'admins' }));
  await rejectsWith(client.send(new GetGroupCommand({ UserPoolId: poolId, GroupName: 'admins' })), 'ResourceNotFoundException', 'Group not found.');
  assert.ok((await client.send(new GetGroupCommand({ UserPoolId: poolId, GroupName: 'readers' }))).Group);
});

test('every refusal: existing group, unknown group, unknown user, unknown pool', async () => {
  const { poolId } = await createPool(client);
  await createUser(client, poolId, 'alice');
  await client.send(new CreateGroupCommand({ UserPoolId: poolId, GroupName: 'admins' }));
  await rejectsWith(client.send(new CreateGroupCommand({ UserPoolId: poolId, GroupName: 'admins', Description: 'again' })), 'GroupExistsException', 'A group with the name already exists.');

  const group = { UserPoolId: poolId, GroupName: 'nobody' };
  const notFound = (p: Promise<unknown>) => rejectsWith(p, 'ResourceNotFoundException', 'Group not found.');
  await notFound(client.send(new GetGroupCommand(group)));
  await notFound(client.send(new UpdateGroupCommand({ ...group, Precedence: 1 })));
  await notFound(client.send(new DeleteGroupCommand(group)));
  await notFound(client.send(new ListUsersInGroupCommand(group)));
  await notFound(client.send(new AdminAddUserToGroupCommand({ ...group, Username: 'alice' })));
  await notFound(client.send(new AdminRemoveUserFromGroupCommand({ ...group, Username: 'alice' })));

  const noUser = { UserPoolId: poolId, GroupName: 'admins', Username: 'ghost' };
  const userNotFound = (p: Promise<unknown>) => rejectsWith(p, 'UserNotFoundException', 'User does not exist.');
  await userNotFound(client.send(new AdminAddUserToGroupCommand(noUser)));
  await userNotFound(client.send(new AdminRemoveUserFromGroupCommand(noUser)));
  await userNotFound(client.send(new AdminListGroupsForUserCommand({ UserPoolId: poolId, Username: 'ghost' })));

  const poolNotFound = (p: Promise<unknown>) => rejectsWith(p, 'ResourceNotFoundException', `User pool ${missingPool} does not exist.`);
  const inMissing = { UserPoolId: missingPool, GroupName: 'admins' };
  await poolNotFound(client.send(new CreateGroupCommand(inMissing)));
  await poolNotFound(client.send(new GetGroupCommand(inMissing)));
  await poolNotFound(client.send(new UpdateGroupCommand(inMissing)));
  await poolNotFound(client.send(new DeleteGroupCommand(inMissing)));
  await poolNotFound(client.send(new ListGroupsCommand({ UserPoolId: missingPool })));
  await poolNotFound(client.send(new ListUsersInGroupCommand(inMissing)));
  await poolNotFound(client.send(new AdminAddUserToGroupCommand({ ...inMissing, Username: 'alice' })));
  await poolNotFound(client.send(new AdminRemoveUserFromGroupCommand({ ...inMissing, Username: 'alice' })));
  await poolNotFound(client.send(new AdminListGroupsForUserCommand({ UserPoolId: missingPool, Username: 'alice' })));

  await rejectsWith(client.send(new ListGroupsCommand({ UserPoolId: poolId, NextToken: 'not a token' })), 'InvalidParameterException');
});

test('ListGroups, AdminListGroupsForUser and ListUsersInGroup page with Limit and NextToken', async () => {
  const { poolId } = await createPool(client);
  const groups = ['g5', 'g1', 'g4', 'g2', 'g3'];
  for (const GroupName of groups) await client.send(new CreateGroupCommand({ UserPoolId: poolId, GroupName }));
  const users = ['u3', 'u1', 'u2'];
  for (const u of users) await createUser(client, poolId, u);
  for (const GroupName of groups) await client.send(new AdminAddUserToGroupCommand({ UserPoolId: poolId, GroupName, Username: 'u1' }));
  for (const Username of users) await client.send(new AdminAddUserToGroupCommand({ UserPoolId: poolId, GroupName: 'g1', Username }));

  const first = await client.send(new ListGroupsCommand({ UserPoolId: poolId, Limit: 2 }));
  assert.deepEqual(first.Groups!.map((g) => g.GroupName), ['g1', 'g2']);
  assert.ok(first.NextToken);
  const second = await client.send(new ListGroupsCommand({ UserPoolId: poolId, Limit: 2, NextToken: first.NextToken }));
  assert.deepEqual(second.Groups!.map((g) => g.GroupName), ['g3', 'g4']);
  const last = await client.send(new ListGroupsCommand({ UserPoolId: poolId, Limit: 2, NextToken: second.NextToken }));
  assert.deepEqual(last.Groups!.map((g) => g.GroupName), ['g5']);
  assert.equal(last.NextToken, undefined);
  assert.equal((await client.send(new ListGroupsCommand({ UserPoolId: poolId }))).Groups!.length, 5, 'no Limit: up to 60');

  // The SDK's paginators follow NextToken to the end.
  const all: string[] = [];
  for await (const page of paginateListGroups({ client, pageSize: 2 }, { UserPoolId: poolId })) all.push(...page.Groups!.map((g) => g.GroupName!));
  assert.deepEqual(all, ['g1', 'g2', 'g3', 'g4', 'g5']);
  const mine: string[][] = [];
  for await (const page of paginateAdminListGroupsForUser({ client, pageSize: 3 }, { UserPoolId: poolId, Username: 'u1' })) {
    mine.push(page.Groups!.map((g) => g.GroupName!));
  }
  assert.deepEqual(mine, [['g1', 'g2', 'g3'], ['g4', 'g5']]);
  const members: string[][] = [];
  for await (const page of paginateListUsersInGroup({ client, pageSize: 2 }, { UserPoolId: poolId, GroupName: 'g1' })) {
    members.push(page.Users!.map((u) => u.Username!));
  }
  assert.deepEqual(members, [['u1', 'u2'], ['u3']]);

  const listed = await client.send(new ListUsersInGroupCommand({ UserPoolId: poolId, GroupName: 'g1', Limit: 1 }));
  assert.equal(listed.Users![0].Username, 'u1');
  assert.equal(listed.Users![0].UserStatus, 'CONFIRMED');
  assert.equal(listed.Users![0].Enabled, true);
  assert.ok(listed.Users![0].Attributes!.some((a) => a.Name === 'sub'));
  assert.ok(listed.NextToken);
});

test('AdminAddUserToGroup is idempotent; AdminRemoveUserFromGroup removes, and removing a non-member succeeds', async () => {
  const { poolId } = await createPool(client);
  await createUser(client, poolId, 'bob', [{ Name: 'email', Value: 'bob@example.com' }]);
  await client.send(new CreateGroupCommand({ UserPoolId: poolId, GroupName: 'editors' }));
  const member = { UserPoolId: poolId, GroupName: 'editors', Username: 'bob' };
  await client.send(new AdminAddUserToGroupCommand(member));
  await client.send(new AdminAddUserToGroupCommand(member));
  const groupsOf = async () => (await client.send(new AdminListGroupsForUserCommand({ UserPoolId: poolId, Username: 'bob' }))).Groups!.map((g) => g.GroupName);
  assert.deepEqual(await groupsOf(), ['editors']);
  assert.deepEqual((await client.send(new ListUsersInGroupCommand({ UserPoolId: poolId, GroupName: 'editors' }))).Users!.map((u) => u.Username), ['bob']);

  await client.send(new AdminRemoveUserFromGroupCommand(member));
  assert.deepEqual(await groupsOf(), []);
  await client.send(new AdminRemoveUserFromGroupCommand(member));
  assert.deepEqual((await client.send(new ListUsersInGroupCommand({ UserPoolId: poolId, GroupName: 'editors' }))).Users, []);
});

test('tokens carry cognito:groups in both tokens, and cognito:roles and cognito:preferred_role in the ID token', async () => {
  const { poolId, clientId } = await createPool(client);
  await createUser(client, poolId, 'carol');
  await createUser(client, poolId, 'dave');
  const create = (GroupName: string, extra: { RoleArn?: string; Precedence?: number } = {}) =>
    client.send(new CreateGroupCommand({ UserPoolId: poolId, GroupName, ...extra }));
  await create('readers', { RoleArn: role('reader'), Precedence: 10 });
  await create('admins', { RoleArn: role('admin'), Precedence: 1 });
  await create('staff');
  await create('writers', { RoleArn: role('writer'), Precedence: 1 });
  for (const GroupName of ['readers', 'admins', 'staff']) {
    await client.send(new AdminAddUserToGroupCommand({ UserPoolId: poolId, GroupName, Username: 'carol' }));
  }

  const tokens = (await passwordSignIn(client, clientId, 'carol')).AuthenticationResult!;
  const access = claims(tokens.AccessToken!);
  const id = claims(tokens.IdToken!);
  // By precedence, then name; a group without precedence last.
  assert.deepEqual(access['cognito:groups'], ['admins', 'readers', 'staff']);
  assert.deepEqual(id['cognito:groups'], ['admins', 'readers', 'staff']);
  assert.deepEqual(id['cognito:roles'], [role('admin'), role('reader')]);
  assert.equal(id['cognito:preferred_role'], role('admin'));
  assert.equal(access['cognito:roles'], undefined, 'roles are ID token claims');
  assert.equal(access['cognito:preferred_role'], undefined);

  // Two groups of the same precedence with different roles: no preferred role (CreateGroup, Precedence).
  await client.send(new AdminAddUserToGroupCommand({ UserPoolId: poolId, GroupName: 'writers', Username: 'carol' }));
  const tied = claims((await passwordSignIn(client, clientId, 'carol')).AuthenticationResult!.IdToken!);
  assert.deepEqual(tied['cognito:groups'], ['admins', 'writers', 'readers', 'staff']);
  assert.deepEqual(tied['cognito:roles'], [role('admin'), role('writer'), role('reader')]);
  assert.equal(tied['cognito:preferred_role'], undefined);
  // The same role on both: that role is preferred.
  await client.send(new UpdateGroupCommand({ UserPoolId: poolId, GroupName: 'writers', RoleArn: role('admin') }));
  const same = claims((await passwordSignIn(client, clientId, 'carol')).AuthenticationResult!.IdToken!);
  assert.deepEqual(same['cognito:roles'], [role('admin'), role('reader')], 'each role once');
  assert.equal(same['cognito:preferred_role'], role('admin'));

  // In no group: no group claims at all. In a group without a role: groups only.
  const none = (await passwordSignIn(client, clientId, 'dave')).AuthenticationResult!;
  for (const jwt of [none.AccessToken!, none.IdToken!]) {
    const c = claims(jwt);
    for (const claim of ['cognito:groups', 'cognito:roles', 'cognito:preferred_role']) assert.equal(c[claim], undefined, claim);
  }
  await client.send(new AdminAddUserToGroupCommand({ UserPoolId: poolId, GroupName: 'staff', Username: 'dave' }));
  const staff = claims((await passwordSignIn(client, clientId, 'dave')).AuthenticationResult!.IdToken!);
  assert.deepEqual(staff['cognito:groups'], ['staff']);
  assert.equal(staff['cognito:roles'], undefined);
  assert.equal(staff['cognito:preferred_role'], undefined);
});

test('a refreshed token reflects the current groups (REFRESH_TOKEN_AUTH, InitiateAuth and AdminInitiateAuth)', async () => {
  const { poolId, clientId } = await createPool(client);
  await createUser(client, poolId, 'erin');
  await client.send(new CreateGroupCommand({ UserPoolId: poolId, GroupName: 'beta', RoleArn: role('beta') }));
  await client.send(new CreateGroupCommand({ UserPoolId: poolId, GroupName: 'gamma' }));
  const signIn = (await passwordSignIn(client, clientId, 'erin')).AuthenticationResult!;
  assert.equal(claims(signIn.IdToken!)['cognito:groups'], undefined);

  const refresh = async () =>
    (await client.send(new InitiateAuthCommand({ ClientId: clientId, AuthFlow: 'REFRESH_TOKEN_AUTH', AuthParameters: { REFRESH_TOKEN: signIn.RefreshToken! } })))
      .AuthenticationResult!;
  await client.send(new AdminAddUserToGroupCommand({ UserPoolId: poolId, GroupName: 'beta', Username: 'erin' }));
  const added = await refresh();
  assert.deepEqual(claims(added.AccessToken!)['cognito:groups'], ['beta']);
  assert.deepEqual(claims(added.IdToken!)['cognito:groups'], ['beta']);
  assert.equal(claims(added.IdToken!)['cognito:preferred_role'], role('beta'));

  await client.send(new AdminAddUserToGroupCommand({ UserPoolId: poolId, GroupName: 'gamma', Username: 'erin' }));
  await client.send(new AdminRemoveUserFromGroupCommand({ UserPoolId: poolId, GroupName: 'beta', Username: 'erin' }));
  const admin = await client.send(
    new AdminInitiateAuthCommand({ UserPoolId: poolId, ClientId: clientId, AuthFlow: 'REFRESH_TOKEN_AUTH', AuthParameters: { REFRESH_TOKEN: signIn.RefreshToken! } }),
  );
  const changed = claims(admin.AuthenticationResult!.IdToken!);
  assert.deepEqual(changed['cognito:groups'], ['gamma']);
  assert.equal(changed['cognito:roles'], undefined);

  await client.send(new DeleteGroupCommand({ UserPoolId: poolId, GroupName: 'gamma' }));
  const gone = await refresh();
  assert.equal(claims(gone.AccessToken!)['cognito:groups'], undefined, 'a deleted group leaves the tokens');
});

test('deleted users and groups disappear from the listings; deleting the pool deletes its groups', async () => {
  const { poolId, clientId } = await createPool(client);
  for (const u of ['fred', 'gina', 'hank']) await createUser(client, poolId, u);
  for (const GroupName of ['one', 'two']) {
    await client.send(new CreateGroupCommand({ UserPoolId: poolId, GroupName }));
    for (const Username of ['fred', 'gina', 'hank']) await client.send(new AdminAddUserToGroupCommand({ UserPoolId: poolId, GroupName, Username }));
  }
  const membersOf = async (GroupName: string) =>
    (await client.send(new ListUsersInGroupCommand({ UserPoolId: poolId, GroupName }))).Users!.map((u) => u.Username);

  await client.send(new AdminDeleteUserCommand({ UserPoolId: poolId, Username: 'fred' }));
  const gina = (await passwordSignIn(client, clientId, 'gina')).AuthenticationResult!;
  await client.send(new DeleteUserCommand({ AccessToken: gina.AccessToken }));
  assert.deepEqual(await membersOf('one'), ['hank']);
  assert.deepEqual(await membersOf('two'), ['hank']);
  // A new user with a deleted user's name starts in no group.
  await createUser(client, poolId, 'fred');
  assert.deepEqual((await client.send(new AdminListGroupsForUserCommand({ UserPoolId: poolId, Username: 'fred' }))).Groups, []);

  await client.send(new DeleteGroupCommand({ UserPoolId: poolId, GroupName: 'one' }));
  assert.deepEqual((await client.send(new AdminListGroupsForUserCommand({ UserPoolId: poolId, Username: 'hank' }))).Groups!.map((g) => g.GroupName), ['two']);
  assert.deepEqual((await client.send(new ListGroupsCommand({ UserPoolId: poolId }))).Groups!.map((g) => g.GroupName), ['two']);
  await client.send(new CreateGroupCommand({ UserPoolId: poolId, GroupName: 'one' }));
  assert.deepEqual(await membersOf('one'), [], 'a new group with a deleted group\'s name starts empty');

  await client.send(new DeleteUserPoolCommand({ UserPoolId: poolId }));
  await rejectsWith(client.send(new ListGroupsCommand({ UserPoolId: poolId })), 'ResourceNotFoundException', `User pool ${poolId} does not exist.`);
});

test('a user may be named by sub, as in the other Admin operations', async () => {
  const { poolId, clientId } = await createPool(client);
  await createUser(client, poolId, 'ivan');
  await client.send(new CreateGroupCommand({ UserPoolId: poolId, GroupName: 'ops' }));
  const { AuthenticationResult } = await client.send(
    new AdminInitiateAuthCommand({ UserPoolId: poolId, ClientId: clientId, AuthFlow: 'ADMIN_USER_PASSWORD_AUTH', AuthParameters: { USERNAME: 'ivan', PASSWORD } }),
  );
  const sub = claims(AuthenticationResult!.IdToken!).sub;
  await client.send(new AdminAddUserToGroupCommand({ UserPoolId: poolId, GroupName: 'ops', Username: sub }));
  assert.deepEqual((await client.send(new ListUsersInGroupCommand({ UserPoolId: poolId, GroupName: 'ops' }))).Users!.map((u) => u.Username), ['ivan']);
  assert.deepEqual((await client.send(new AdminListGroupsForUserCommand({ UserPoolId: poolId, Username: sub }))).Groups!.map((g) => g.GroupName), ['ops']);
});

