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

const VERIFICATION_MESSAGE = 'Your verification code is {####}. ';
const VERIFICATION_SUBJECT = 'Your verification code';

/**
 * What DescribeUserPool shows for settings a pool was created without: Cognito's values as its
 * describe-user-pool example and API reference show them (docs/behaviour.md, "Pools and app
 * clients"). The verification texts are those Cognate sends (src/auth/codes.ts).
 */
function describedDefaults(settings: PoolRecord['settings']): Record<string, unknown> {
  const template = (settings.VerificationMessageTemplate ?? {}) as Record<string, unknown>;
  const policies = (settings.Policies ?? {}) as Record<string, any>;
  const sms = settings.SmsVerificationMessage ?? template.SmsMessage ?? VERIFICATION_MESSAGE;
  const email = settings.EmailVerificationMessage ?? template.EmailMessage ?? VERIFICATION_MESSAGE;
  const subject = settings.EmailVerificationSubject ?? template.EmailSubject ?? VERIFICATION_SUBJECT;
  return {
    DeletionProtection: settings.DeletionProtection ?? 'INACTIVE',
    LambdaConfig: settings.LambdaConfig ?? {},
    Policies: { ...policies, SignInPolicy: policies.SignInPolicy ?? { AllowedFirstAuthFactors: ['PASSWORD'] } },
    SmsVerificationMessage: sms,
    EmailVerificationMessage: email,
    EmailVerificationSubject: subject,
    VerificationMessageTemplate: { SmsMessage: sms, EmailMessage: email, EmailSubject: subject, DefaultEmailOption: 'CONFIRM_WITH_CODE', ...template },
    UserAttributeUpdateSettings: settings.UserAttributeUpdateSettings ?? { AttributesRequireVerificationBeforeUpdate: [] },
    EmailConfiguration: settings.EmailConfiguration ?? { EmailSendingAccount: 'COGNITO_DEFAULT' },
    UserPoolTags: settings.UserPoolTags ?? {},
    AdminCreateUserConfig: {
      AllowAdminCreateUserOnly: false,
      UnusedAccountValidityDays: policies.PasswordPolicy?.TemporaryPasswordValidityDays ?? 7,
      ...(settings.AdminCreateUserConfig as Record<string, unknown> | undefined),
    },
    // The API's default when UsernameConfiguration is omitted: case-sensitive (src/users/usernames.ts).
    UsernameConfiguration: settings.UsernameConfiguration ?? { CaseSensitive: true },
    UserPoolTier: settings.UserPoolTier ?? 'ESSENTIALS',
  };
}

/** UserPoolType, as DescribeUserPool returns it. */
export function poolView(pool: PoolRecord, estimatedUsers?: number): Record<string, unknown> {
  const { SoftwareTokenMfaEnabled: _totp, SmsMfaEnabled: _sms, SmsAuthenticationMessage: _msg, Schema, ...settings } = pool.settings;
  return {
    Id: pool.id,
    Name: pool.name,
    ...settings,
    ...describedDefaults(settings),
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
