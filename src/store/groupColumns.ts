import type { GroupUpdate } from './store.js';

/** The group columns UpdateGroup may set, in a fixed order: one statement text per set of columns. */
const COLUMNS = [
  ['description', 'description'],
  ['roleArn', 'role_arn'],
  ['precedence', 'precedence'],
] as const;

/** `SET` assignments for the given members and modified_at, with their values; `param(i)` names the i-th parameter. */
export function groupUpdateColumns(update: GroupUpdate, param: (i: number) => string): { assignments: string; values: unknown[] } {
  const given = COLUMNS.filter(([key]) => update[key] !== undefined);
  const names = [...given.map(([, column]) => column), 'modified_at'];
  const values = [...given.map(([key]) => update[key]), update.modifiedAt];
  return { assignments: names.map((column, i) => `${column} = ${param(i)}`).join(', '), values };
}
