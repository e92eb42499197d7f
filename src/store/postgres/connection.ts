/**
 * Turns a `--db` PostgreSQL URL into what pg.Pool takes. Cognate reads one option of its own,
 * `schema`: every connection of the pool gets `-c search_path=<schema>` in its startup options,
 * and the migration creates the schema if it is missing. Everything else (`sslmode`, `options`,
 * `application_name` ...) is passed to pg as written.
 */
export interface PostgresTarget {
  connectionString: string;
  /** The `?schema=` option, validated; absent when the URL has none. */
  schema?: string;
}

/** A plain lower-case identifier: no quoting anywhere, and search_path cannot fold it. */
const schemaPattern = /^[a-z_][a-z0-9_]{0,62}$/;

export function isPostgresUrl(db: string): boolean {
  return /^postgres(ql)?:\/\//i.test(db);
}

export function parsePostgresUrl(url: string): PostgresTarget {
  if (!isPostgresUrl(url)) throw new Error('a PostgreSQL URL starts with postgres:// or postgresql://');
  // Only the query is rewritten: the authority (user, password, hosts) stays exactly as given.
  const hash = url.indexOf('#');
  const withoutHash = hash < 0 ? url : url.slice(0, hash);
  const q = withoutHash.indexOf('?');
  const base = q < 0 ? withoutHash : withoutHash.slice(0, q);
  const params = new URLSearchParams(q < 0 ? '' : withoutHash.slice(q + 1));

  const schema = params.get('schema') ?? undefined;
  params.delete('schema');
  if (schema !== undefined) {
    if (!schemaPattern.test(schema)) {
      throw new Error(`schema=${JSON.stringify(schema)}: use lower-case letters, digits and _ (at most 63), not starting with a digit`);
    }
    // Later -c settings win over earlier ones, so schema= overrides a search_path in options=.
    const options = params.get('options');
    params.set('options', `${options ? `${options} ` : ''}-c search_path=${schema}`);
  }
  if (!params.has('application_name')) params.set('application_name', 'cognate');
  return { connectionString: `${base}?${params.toString()}`, schema };
}

/** For messages and logs: the URL without its password. */
export function redactPostgresUrl(url: string): string {
  return url.replace(/^(postgres(?:ql)?:\/\/[^:@/?#]*):[^@/?#]*@/i, '$1:***@');
}
