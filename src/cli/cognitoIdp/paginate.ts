/**
 * The AWS CLI's automatic pagination (awscli/customizations/paginate.py over botocore's
 * PageIterator), for the list operations Cognate serves: the CLI follows the pages itself and
 * offers --starting-token, --page-size and --max-items; giving the operation's own token or limit
 * option (or --no-paginate) turns it off.
 */
import type { ExtraOption } from './args.js';

export interface Paginator {
  inputToken: string;
  outputToken: string;
  limitKey: string;
  resultKey: string;
}

/** From botocore's cognito-idp paginators-1.json. */
export const PAGINATORS: Record<string, Paginator> = {
  ListUsers: { inputToken: 'PaginationToken', outputToken: 'PaginationToken', limitKey: 'Limit', resultKey: 'Users' },
  ListUserPools: { inputToken: 'NextToken', outputToken: 'NextToken', limitKey: 'MaxResults', resultKey: 'UserPools' },
  ListUserPoolClients: { inputToken: 'NextToken', outputToken: 'NextToken', limitKey: 'MaxResults', resultKey: 'UserPoolClients' },
};

export const PAGING_OPTIONS: ExtraOption[] = [
  {
    flag: '--starting-token',
    takesValue: true,
    placeholder: 'value',
    description: 'A token to specify where to start paginating. This is the NextToken from a previously truncated response.',
  },
  {
    flag: '--page-size',
    takesValue: true,
    placeholder: 'value',
    description: 'The size of each page to get in the AWS service call. This does not affect the number of items returned in the command\'s output.',
  },
  {
    flag: '--max-items',
    takesValue: true,
    placeholder: 'value',
    description: 'The total number of items to return in the command\'s output. If more are available, a NextToken is provided in the output.',
  },
];

type Token = Record<string, unknown>;

/** Python's json.dumps (", " and ": " separators, non-ASCII escaped), then base64: botocore's TokenEncoder. */
export function encodeToken(token: Token): string {
  const py = (v: unknown) => JSON.stringify(v).replace(/[\u0080-\uffff]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
  const text = `{${Object.entries(token).map(([k, v]) => `${py(k)}: ${py(v)}`).join(', ')}}`;
  return Buffer.from(text, 'utf8').toString('base64');
}

/** The input token and how many items of its page were already shown; old-style `token___n` too. */
export function decodeToken(text: string, inputToken: string): { token: Token; skip: number } {
  try {
    const decoded = JSON.parse(Buffer.from(text, 'base64').toString('utf8')) as unknown;
    if (decoded && typeof decoded === 'object' && !Array.isArray(decoded)) {
      const { boto_truncate_amount: skip, ...token } = decoded as Token;
      return { token, skip: typeof skip === 'number' ? skip : 0 };
    }
  } catch {
    // not the base64 JSON form: the deprecated one below
  }
  let parts = text.split('___');
  let skip = 0;
  if (parts.length === 2) {
    if (/^-?\d+$/.test(parts[1]!)) skip = Number(parts.pop());
    else parts = [text];
  }
  if (parts.length > 1) throw new Error(`Bad starting token: ${text}`);
  return { token: { [inputToken]: parts[0] === 'None' ? null : parts[0] }, skip };
}

export interface Paged {
  pages: Record<string, unknown>[];
  /** The first page's members other than the results and the token. */
  nonAggregate: Record<string, unknown>;
  resumeToken?: string;
}

/** botocore's PageIterator: pages until the last one or --max-items, slicing pages at both ends. */
export async function paginate(
  paginator: Paginator,
  params: Record<string, unknown>,
  options: { startingToken?: string; pageSize?: number; maxItems?: number },
  call: (params: Record<string, unknown>) => Promise<Record<string, unknown>>,
): Promise<Paged> {
  const kwargs = { ...params };
  const inject = (token: Token) => {
    for (const [name, value] of Object.entries(token)) {
      if (value !== null && value !== undefined && value !== 'None') kwargs[name] = value;
      else delete kwargs[name];
    }
  };
  let nextToken: Token = { [paginator.inputToken]: null };
  let startSkip = 0;
  if (options.startingToken !== undefined) {
    const start = decodeToken(options.startingToken, paginator.inputToken);
    nextToken = start.token;
    startSkip = start.skip;
    inject(nextToken);
  }
  if (options.pageSize !== undefined) kwargs[paginator.limitKey] = options.pageSize;

  const result: Paged = { pages: [], nonAggregate: {} };
  let total = 0;
  let first = true;
  let previous: string | undefined;
  for (;;) {
    const page = { ...(await call(kwargs)) };
    let skip = 0;
    if (first) {
      if (options.startingToken !== undefined) {
        skip = startSkip;
        const all = page[paginator.resultKey];
        page[paginator.resultKey] = Array.isArray(all) ? all.slice(skip) : null;
      }
      for (const [k, v] of Object.entries(page)) {
        if (k !== paginator.resultKey && k !== paginator.outputToken) result.nonAggregate[k] = v;
      }
      first = false;
    }
    const items = Array.isArray(page[paginator.resultKey]) ? (page[paginator.resultKey] as unknown[]) : [];
    const over = options.maxItems === undefined ? 0 : total + items.length - options.maxItems;
    if (over > 0) {
      const keep = items.length - over;
      page[paginator.resultKey] = items.slice(0, keep);
      result.pages.push(page);
      result.resumeToken = encodeToken({ ...nextToken, boto_truncate_amount: keep + skip });
      break;
    }
    result.pages.push(page);
    total += items.length;
    const out = page[paginator.outputToken];
    nextToken = { [paginator.inputToken]: out ? out : null };
    if (!out) break;
    if (options.maxItems !== undefined && total === options.maxItems) {
      result.resumeToken = encodeToken(nextToken);
      break;
    }
    if (previous === out) throw new Error(`The same next token was received twice: {'${paginator.inputToken}': '${String(out)}'}`);
    inject(nextToken);
    previous = out as string;
  }
  return result;
}

/** What the AWS CLI shows for json and table output: the results of every page in one list. */
export function fullResult(paginator: Paginator, paged: Paged): Record<string, unknown> {
  const full: Record<string, unknown> = {};
  for (const page of paged.pages) {
    const items = page[paginator.resultKey];
    if (items === undefined || items === null) continue;
    const existing = full[paginator.resultKey];
    if (Array.isArray(existing) && Array.isArray(items)) existing.push(...items);
    else full[paginator.resultKey] = Array.isArray(items) ? [...items] : items;
  }
  for (const [k, v] of Object.entries(paged.nonAggregate)) if (!(k in full)) full[k] = v;
  if (paged.resumeToken !== undefined) full.NextToken = paged.resumeToken;
  return full;
}

/** What the AWS CLI shows for text output: each page on its own (the first with the other members). */
export function textPages(paginator: Paginator, paged: Paged): Record<string, unknown>[] {
  return paged.pages.map((page, i) => {
    const current: Record<string, unknown> = i === 0 ? { ...paged.nonAggregate } : {};
    const items = page[paginator.resultKey];
    current[paginator.resultKey] = items === undefined ? null : items;
    return current;
  });
}
