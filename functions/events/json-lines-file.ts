import { appendFileSync, existsSync, readFileSync, renameSync, rmSync } from 'node:fs';

/** Appends one value as a JSON line to the file (created when missing). */
export function appendJsonLine(path: string, value: unknown): void {
  appendFileSync(path, `${JSON.stringify(value)}\n`);
}

/** Reads every JSON line of the file (none when it does not exist); a torn last line is skipped. */
export function readJsonLines<T>(path: string): T[] {
  if (!existsSync(path)) return [];
  const values: T[] = [];
  for (const line of readFileSync(path, 'utf8').split('\n')) {
    if (!line.trim()) continue;
    try {
      values.push(JSON.parse(line) as T);
    } catch {
      // a torn last line from a crash: nothing to read
    }
  }
  return values;
}

/**
 * Takes every line out of the file (moving it aside first, so lines a running process appends
 * meanwhile start a fresh file) and returns them.
 */
export function takeJsonLines<T>(path: string): T[] {
  if (!existsSync(path)) return [];
  const taken = `${path}.taking-${process.pid}`;
  renameSync(path, taken);
  const values = readJsonLines<T>(taken);
  rmSync(taken, { force: true });
  return values;
}
