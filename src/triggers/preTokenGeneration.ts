import type { Deps } from '../deps.js';
import type { ClientRecord, PoolRecord, UserRecord } from '../store/store.js';
import type { GroupClaims } from '../tokens/groupClaims.js';
import { invalidLambdaResponse, invokeTrigger, optionalMap, preTokenGenerationVersion, triggerArn, triggerEvent, userAttributesOf } from './invoke.js';

/**
 * The pre token generation trigger
 * (https://docs.aws.amazon.com/cognito/latest/developerguide/user-pool-lambda-pre-token-generation.html).
 *
 * - V1_0 (event version "1"): `claimsOverrideDetails` changes the ID token (claimsToAddOrOverride,
 *   claimsToSuppress) and the groups of both tokens (groupOverrideDetails).
 * - V2_0 / V3_0 (event versions "2" / "3"; the request carries the access token's `scopes`):
 *   `claimsAndScopeOverrideDetails` with idTokenGeneration, accessTokenGeneration (also scopesToAdd,
 *   scopesToSuppress) and groupOverrideDetails. V3_0 differs only for client-credentials grants,
 *   which Cognate does not issue.
 *
 * A suppressed claim wins over an added one ("If a value is both suppressed and replaced, then it
 * will be suppressed"). Claims Cognito does not let a function change are left as they are.
 * groupOverrideDetails replaces the group claims: absent keeps them, null or {} removes them.
 */

/** The trigger sources of this trigger (TokenGeneration_HostedAuth and _AuthenticateDevice are for callers to come). */
export type TokenSource =
  | 'TokenGeneration_HostedAuth'
  | 'TokenGeneration_Authentication'
  | 'TokenGeneration_NewPasswordChallenge'
  | 'TokenGeneration_AuthenticateDevice'
  | 'TokenGeneration_RefreshTokens';

/** Claims a function cannot add, change or suppress (the developer guide's list, and the claims Cognate issues in their place). */
const PROTECTED = new Set([
  'acr', 'amr', 'aud', 'at_hash', 'auth_time', 'azp', 'cognito:username', 'exp', 'iat', 'identities', 'iss', 'jti', 'nbf',
  'nonce', 'origin_jti', 'sub', 'token_use', 'client_id', 'event_id', 'scope', 'username',
  'cognito:groups', 'cognito:roles', 'cognito:preferred_role',
]);

interface TokenChanges {
  add: Record<string, unknown>;
  suppress: string[];
}

/** What the function decided, applied to the claims by applyTokenCustomization. */
export interface TokenCustomization {
  id: TokenChanges;
  access: TokenChanges;
  scopesToAdd: string[];
  scopesToSuppress: string[];
  /** Replaces the group claims; undefined keeps them. */
  groups?: GroupClaims;
}

export interface TokenTriggerRequest {
  pool: PoolRecord;
  client: ClientRecord;
  user: UserRecord;
  source: TokenSource;
  groups: GroupClaims;
  /** The access token's `scope` claim (space-separated), split only when a trigger runs. */
  scope: string;
  clientMetadata?: Record<string, string>;
}

/** Runs the trigger; undefined when the pool has none (one look at its settings). */
export async function runPreTokenGeneration(
  deps: Pick<Deps, 'lambda' | 'config' | 'log'>,
  req: TokenTriggerRequest,
): Promise<TokenCustomization | undefined> {
  if (triggerArn(req.pool, 'PreTokenGeneration') === undefined) return undefined;
  const version = preTokenGenerationVersion(req.pool);
  const v1 = version === 'V1_0';
  const idGroups = req.groups.id as Record<string, string[] | string | undefined>;
  const request = {
    userAttributes: userAttributesOf(req.user),
    ...(v1 ? {} : { scopes: req.scope.split(' ') }),
    groupConfiguration: {
      groupsToOverride: (idGroups['cognito:groups'] as string[] | undefined) ?? [],
      iamRolesToOverride: (idGroups['cognito:roles'] as string[] | undefined) ?? [],
      ...(idGroups['cognito:preferred_role'] ? { preferredRole: idGroups['cognito:preferred_role'] } : {}),
    },
    ...optionalMap('clientMetadata', req.clientMetadata),
  };
  const response = v1 ? { claimsOverrideDetails: null } : { claimsAndScopeOverrideDetails: null };
  const event = triggerEvent(req.pool, req.source, req.user.username, req.client.id, request, response, v1 ? '1' : version === 'V2_0' ? '2' : '3');
  const answer = (await invokeTrigger(deps, req.pool, 'PreTokenGeneration', event))!;
  const details = v1 ? answer.claimsOverrideDetails : answer.claimsAndScopeOverrideDetails;
  const none: TokenChanges = { add: {}, suppress: [] };
  if (details === undefined || details === null) return { id: none, access: none, scopesToAdd: [], scopesToSuppress: [] };
  if (!isObject(details)) throw invalidLambdaResponse();
  const groups = 'groupOverrideDetails' in details ? groupOverride(details.groupOverrideDetails) : undefined;
  if (v1) {
    return { id: changes(details, true), access: none, scopesToAdd: [], scopesToSuppress: [], ...(groups ? { groups } : {}) };
  }
  const access = optionalObject(details.accessTokenGeneration);
  return {
    id: changes(optionalObject(details.idTokenGeneration), false),
    access: changes(access, false),
    scopesToAdd: strings(access.scopesToAdd),
    scopesToSuppress: strings(access.scopesToSuppress),
    ...(groups ? { groups } : {}),
  };
}

/** Applies the function's decisions to the claims about to be signed. */
export function applyTokenCustomization(custom: TokenCustomization, access: Record<string, unknown>, id: Record<string, unknown>): void {
  if (custom.groups) {
    for (const claims of [access, id]) for (const name of ['cognito:groups', 'cognito:roles', 'cognito:preferred_role']) delete claims[name];
    Object.assign(access, custom.groups.access);
    Object.assign(id, custom.groups.id);
  }
  for (const [claims, change] of [[id, custom.id], [access, custom.access]] as const) {
    for (const [name, value] of Object.entries(change.add)) if (!PROTECTED.has(name)) claims[name] = value;
    for (const name of change.suppress) if (!PROTECTED.has(name)) delete claims[name];
  }
  if (custom.scopesToAdd.length > 0 || custom.scopesToSuppress.length > 0) {
    const scopes = new Set(String(access.scope ?? '').split(' ').filter(Boolean));
    for (const s of custom.scopesToAdd) scopes.add(s);
    for (const s of custom.scopesToSuppress) scopes.delete(s);
    access.scope = [...scopes].join(' ');
  }
}

function changes(details: Record<string, any>, stringValues: boolean): TokenChanges {
  const add = optionalObject(details.claimsToAddOrOverride);
  // V1 claims are strings ({"string": "string"}); V2 and V3 take any JSON value.
  if (stringValues && Object.values(add).some((v) => typeof v !== 'string')) throw invalidLambdaResponse();
  return { add, suppress: strings(details.claimsToSuppress) };
}

/** groupOverrideDetails as the token's group claims; null or {} removes the groups. */
function groupOverride(value: unknown): GroupClaims {
  const details = optionalObject(value);
  const groups = strings(details.groupsToOverride);
  const roles = strings(details.iamRolesToOverride);
  const preferred = details.preferredRole;
  if (preferred !== undefined && preferred !== null && typeof preferred !== 'string') throw invalidLambdaResponse();
  const id: Record<string, unknown> = {};
  const access: Record<string, unknown> = {};
  if (groups.length > 0) id['cognito:groups'] = access['cognito:groups'] = groups;
  if (roles.length > 0) id['cognito:roles'] = roles;
  if (preferred) id['cognito:preferred_role'] = preferred;
  return { access, id };
}

function optionalObject(value: unknown): Record<string, any> {
  if (value === undefined || value === null) return {};
  if (!isObject(value)) throw invalidLambdaResponse();
  return value;
}

function strings(value: unknown): string[] {
  if (value === undefined || value === null) return [];
  if (!Array.isArray(value) || value.some((v) => typeof v !== 'string')) throw invalidLambdaResponse();
  return value;
}

const isObject = (value: unknown): value is Record<string, any> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);
