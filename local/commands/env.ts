import { createServer } from 'node:net';
import { LOCAL_HOST } from '../emulators.ts';

/** The port variables of the embedded default and their defaults (SPEC §4). */
export const PORT_VARIABLES = { PORT: 3000, S3_PORT: 4569, DYNAMODB_PORT: 4567 } as const;

export type PortVariable = keyof typeof PORT_VARIABLES;

/** Reads a port variable (0–65535); its default when unset. Throws RangeError naming the variable. */
export function readPortVariable(
  name: string,
  fallback: number,
  env: NodeJS.ProcessEnv = process.env,
): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const port = Number(raw);
  if (!Number.isInteger(port) || port < 0 || port > 65_535) {
    throw new RangeError(`${name}=${raw} is not a port number (0-65535)`);
  }
  return port;
}

/**
 * A port to propose instead of `busy` for `variable`: the next one up that no other port variable
 * names and that nothing listens on right now (probed on 127.0.0.1). Undefined when none is found
 * within 100 tries. `isFree` is the probe (replaceable in tests).
 */
export async function suggestFreePort(
  busy: number,
  variable: string,
  env: NodeJS.ProcessEnv = process.env,
  isFree: (port: number) => Promise<boolean> = isPortFree,
): Promise<number | undefined> {
  const claimed = new Set<number>([busy]);
  for (const [name, fallback] of Object.entries(PORT_VARIABLES)) {
    if (name === variable) continue;
    try {
      claimed.add(readPortVariable(name, fallback, env));
    } catch {
      // an invalid setting claims nothing; it gets its own error when used
    }
  }
  let candidate = busy;
  for (let tries = 0; tries < 100; tries += 1) {
    candidate = candidate >= 65_535 ? 1024 : candidate + 1;
    if (claimed.has(candidate)) continue;
    if (await isFree(candidate)) return candidate;
  }
  return undefined;
}

/** True when a server can listen on `port` at 127.0.0.1 right now. */
export function isPortFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const probe = createServer();
    probe.once('error', () => resolve(false));
    probe.listen(port, LOCAL_HOST, () => probe.close(() => resolve(true)));
  });
}
