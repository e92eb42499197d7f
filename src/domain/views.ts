import type { ClientRecord, GroupRecord, PoolRecord, UserRecord } from '../store/store.js';
import { userMfaSettings } from '../auth/mfa.js';
import { schemaAttributes } from './schema.js';

/** Epoch seconds with milliseconds as a fraction, as Cognito's timestamps arrive on the wire. */
export const wireTime = (ms: number) => ms / 1000;

/** Cognito's defaults for a new pool, filled in where the request says nothing. */
export const defaultPolicies = {
  PasswordPolicy: {
    MinimumLength: 8,
    RequireUppercase: true,
    RequireLowercase: true,
    RequireNumbers: true,
    RequireSymbols: true,
    TemporaryPasswordValidityDays: 7,
  },
};

/** UserPoolType, as DescribeUserPool returns it. */
export function poolView(pool: PoolRecord, estimatedUsers?: number): Record<string, unknown> {
  const { SoftwareTokenMfaEnabled: _totp, SmsMfaEnabled: _sms, SmsAuthenticationMessage: _msg, Schema, ...settings } = pool.settings;
  return {
    Id: pool.id,
    Name: pool.name,
    ...settings,
    MfaConfiguration: pool.settings.MfaConfiguration ?? 'OFF',
    // Every standard attribute, with the pool's changes, then its custom ones (src/domain/schema.ts).
    SchemaAttributes: schemaAttributes(Schema),
    LastModifiedDate: wireTime(pool.modifiedAt),
    CreationDate: wireTime(pool.createdAt),
    ...(estimatedUsers === undefined ? {} : { EstimatedNumberOfUsers: estimatedUsers }),
    Arn: `arn:aws:cognito-idp:${pool.id.split('_')[0]}:000000000000:userpool/${pool.id}`,
  };
}

/** UserPoolDescriptionType, as ListUserPools returns it. */
export function poolSummary(pool: PoolRecord): Record<string, unknown> {
  return {
    Id: pool.id,
    Name: pool.name,
    LambdaConfig: pool.settings.LambdaConfig ?? {},
    LastModifiedDate: wireTime(pool.modifiedAt),
    CreationDate: wireTime(pool.createdAt),
  };
}

/** UserPoolClientType; the secret is shown only to administrators, as in Cognito. */
export function clientView(client: ClientRecord, secret: string | undefined): Record<string, unknown> {
  return {
    UserPoolId: client.poolId,
    ClientName: client.name,
    ClientId: client.id,
    ...(secret ? { ClientSecret: secret } : {}),
    LastModifiedDate: wireTime(client.modifiedAt),
    CreationDate: wireTime(client.createdAt),
    ...client.settings,
  };
}

/** UserType, as AdminCreateUser and ListUsers return it. */
export function userView(user: UserRecord): Record<string, unknown> {
  return {
    Username: user.username,
    Attributes: user.attributes,
    UserCreateDate: wireTime(user.createdAt),
    UserLastModifiedDate: wireTime(user.modifiedAt),
    Enabled: user.enabled,
    UserStatus: user.status,
  };
}

/** AdminGetUserResponse. */
export function adminUserView(user: UserRecord): Record<string, unknown> {
  return {
    Username: user.username,
    UserAttributes: user.attributes,
    UserCreateDate: wireTime(user.createdAt),
    UserLastModifiedDate: wireTime(user.modifiedAt),
    Enabled: user.enabled,
    UserStatus: user.status,
    ...userMfaSettings(user),
  };
}

/** GetUserResponse. */
export function selfUserView(user: UserRecord): Record<string, unknown> {
  return { Username: user.username, UserAttributes: user.attributes, ...userMfaSettings(user) };
}

/** GroupType: members the group does not have are absent, as Cognito leaves them out. */
export function groupView(group: GroupRecord): Record<string, unknown> {
  return {
    GroupName: group.name,
    UserPoolId: group.poolId,
    ...(group.description !== null ? { Description: group.description } : {}),
    ...(group.roleArn !== null ? { RoleArn: group.roleArn } : {}),
    ...(group.precedence !== null ? { Precedence: group.precedence } : {}),
    LastModifiedDate: wireTime(group.modifiedAt),
    CreationDate: wireTime(group.createdAt),
  };
}
