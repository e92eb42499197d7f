import { readdirSync, readFileSync } from 'node:fs';

/** Versioned SQL files, `migrations/<engine>/NNNN_name.sql`, applied in order exactly once. */
export interface Migration {
  version: number;
  name: string;
  sql: string;
}

export function loadMigrations(engine: 'sqlite' | 'postgres'): Migration[] {
  // Two levels up from src/store or dist/store is the package root.
  const dir = new URL(`../../migrations/${engine}/`, import.meta.url);
  return readdirSync(dir)
    .filter((file) => /^\d{4}_.+\.sql$/.test(file))
    .sort()
    .map((file) => ({
      version: Number(file.slice(0, 4)),
      name: file.slice(5, -4),
      sql: readFileSync(new URL(file, dir), 'utf8'),
    }));
}
