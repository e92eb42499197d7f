/**
 * `file://path` (text, UTF-8) and `fileb://path` (bytes) parameter values, as in the AWS CLI.
 * A leading `~` expands to the home directory.
 */
import { readFileSync } from 'node:fs';
import { homedir } from 'node:os';

export class ParamFileError extends Error {}

const PREFIXES: Record<string, 'text' | 'binary'> = { 'file://': 'text', 'fileb://': 'binary' };

/** The file's content when `value` starts with file:// or fileb://, otherwise undefined. */
export function readParamFile(value: string): string | Buffer | undefined {
  for (const [prefix, mode] of Object.entries(PREFIXES)) {
    if (!value.startsWith(prefix)) continue;
    let path = value.slice(prefix.length);
    if (path === '~' || path.startsWith('~/')) path = homedir() + path.slice(1);
    try {
      const data = readFileSync(path);
      return mode === 'binary' ? data : data.toString('utf8');
    } catch (err) {
      const reason = (err as NodeJS.ErrnoException).code === 'ENOENT' ? 'No such file or directory' : (err as Error).message;
      throw new ParamFileError(`Unable to load paramfile ${value}: ${reason}: '${path}'`);
    }
  }
  return undefined;
}
