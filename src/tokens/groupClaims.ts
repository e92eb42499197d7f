import type { GroupRecord } from '../store/store.js';

/** Lower precedence first, a group without one after every group with one, then by name (byte order). */
export function byPrecedence(a: GroupRecord, b: GroupRecord): number {
  if (a.precedence !== b.precedence) {
    if (a.precedence === null) return 1;
    if (b.precedence === null) return -1;
    return a.precedence - b.precedence;
  }
  return a.name < b.name ? -1 : a.name > b.name ? 1 : 0;
}

export interface GroupClaims {
  /** `cognito:groups`, in both tokens. */
  access: Record<string, unknown>;
  /** `cognito:groups`, `cognito:roles` and `cognito:preferred_role`, in the ID token. */
  id: Record<string, unknown>;
}

/**
 * The group claims of a user's tokens, absent when the user is in no group (as Cognito's tokens):
 * https://docs.aws.amazon.com/cognito/latest/developerguide/amazon-cognito-user-pools-using-the-access-token.html
 * ("a list of the user's groups") and .../amazon-cognito-user-pools-using-the-id-token.html (its example).
 * - `cognito:groups`: the names, by precedence then name (Cognito does not document an order).
 * - `cognito:roles`: the distinct role ARNs of those groups that have one, in the same order.
 * - `cognito:preferred_role`: the role of the group with the lowest Precedence among those with a
 *   role; "Groups with lower Precedence values take precedence over groups with higher or null
 *   Precedence values ... If two groups with the same Precedence have the same role ARN, that role is
 *   used ... If the two groups have different role ARNs, the cognito:preferred_role claim isn't set"
 *   (CreateGroup, Precedence: https://docs.aws.amazon.com/cognito-user-identity-pools/latest/APIReference/API_CreateGroup.html).
 *   Groups without a Precedence tie with each other.
 */
export function groupClaims(groups: GroupRecord[]): GroupClaims {
  if (groups.length === 0) return { access: {}, id: {} };
  const ordered = [...groups].sort(byPrecedence);
  const names = ordered.map((g) => g.name);
  const withRole = ordered.filter((g) => g.roleArn !== null);
  const roles = [...new Set(withRole.map((g) => g.roleArn!))];
  const id: Record<string, unknown> = { 'cognito:groups': names };
  if (roles.length > 0) {
    id['cognito:roles'] = roles;
    const best = withRole[0].precedence;
    const candidates = new Set(withRole.filter((g) => g.precedence === best).map((g) => g.roleArn));
    if (candidates.size === 1) id['cognito:preferred_role'] = withRole[0].roleArn;
  }
  return { access: { 'cognito:groups': names }, id };
}
