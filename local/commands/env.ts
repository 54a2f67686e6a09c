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
