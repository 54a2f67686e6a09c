import { DataDirInUseError, startDev } from '../dev.ts';
import { createDevLog } from '../dev-log.ts';
import { PortInUseError } from '../emulators.ts';
import { readCommandLine } from './command-line.ts';
import { PORT_VARIABLES, readPortVariable, suggestFreePort } from './env.ts';

const SPEC = {
  name: 'dev',
  usage: `usage: storyfeed dev [--watch DIR] [--json]

Runs the whole pipeline on this machine (same as npm start) until Ctrl-C.
  --watch DIR   also upload every story file saved in DIR
  --json        structured JSON log lines instead of text
Variables: PORT (3000), S3_PORT (4569), DYNAMODB_PORT (4567), STORYFEED_DATA_DIR (.storyfeed),
PUBLIC_BASE_URL (from the request).`,
  options: { watch: { type: 'string' }, json: { type: 'boolean' } },
} as const;

/** `storyfeed dev`: starts the embedded default and runs until SIGINT/SIGTERM; returns the exit code. */
export async function runDev(args: string[]): Promise<number> {
  const line = readCommandLine(SPEC, args);
  if (line.exit !== undefined) return line.exit;
  const { values } = line;
  const log = createDevLog(values.json ?? false);
  const clash = findPortClash();
  if (clash) {
    process.stderr.write(`storyfeed: ${clash}\n`);
    return 1;
  }
  let stack: Awaited<ReturnType<typeof startDev>>;
  try {
    stack = await startDev({
      port: readPortVariable('PORT', PORT_VARIABLES.PORT),
      s3Port: readPortVariable('S3_PORT', PORT_VARIABLES.S3_PORT),
      dynamodbPort: readPortVariable('DYNAMODB_PORT', PORT_VARIABLES.DYNAMODB_PORT),
      dataDir: process.env.STORYFEED_DATA_DIR || '.storyfeed',
      log,
      ...(process.env.STORYFEED_SEEDS_DIR ? { seedsDir: process.env.STORYFEED_SEEDS_DIR } : {}),
      ...(values.watch ? { watchDir: values.watch } : {}),
    });
  } catch (error) {
    if (error instanceof PortInUseError) {
      const free = await suggestFreePort(error.port, error.variable);
      const example = free === undefined ? '' : `, e.g. ${error.variable}=${free} npm start`;
      process.stderr.write(
        `storyfeed: port ${error.port} is already in use. Set ${error.variable} to a free port${example}\n`,
      );
      return 1;
    }
    if (error instanceof DataDirInUseError || error instanceof RangeError) {
      process.stderr.write(`storyfeed: ${error.message}\n`);
      return 1;
    }
    throw error;
  }

  await waitForStopSignal();
  log.info('stopping: finishing in-flight ingests, closing the stores');
  await stack.stop();
  log.info('stopped');
  // Nothing should be left, but an SDK keep-alive socket must not hold the exit up.
  setTimeout(() => process.exit(0), 2_000).unref();
  return 0;
}

/** Names two port variables set to the same port (they cannot both listen there); undefined when none. */
function findPortClash(): string | undefined {
  const seen = new Map<number, string>();
  for (const [name, fallback] of Object.entries(PORT_VARIABLES)) {
    let port: number;
    try {
      port = readPortVariable(name, fallback);
    } catch (error) {
      return (error as Error).message;
    }
    const other = seen.get(port);
    if (port !== 0 && other) return `${other} and ${name} are both ${port}: give each its own port`;
    seen.set(port, name);
  }
  return undefined;
}

/**
 * Resolves on the first SIGINT/SIGTERM/SIGHUP, or when the process that started this one goes away
 * (`npm start` signals only its `sh -c`); a second signal a second or more later forces exit.
 */
function waitForStopSignal(): Promise<void> {
  return new Promise((resolve) => {
    let firstAt: number | undefined;
    const onSignal = () => {
      if (firstAt === undefined) {
        firstAt = Date.now();
        clearInterval(orphanCheck);
        resolve();
      } else if (Date.now() - firstAt > 1_000) {
        process.stderr.write('storyfeed: forced exit\n');
        process.exit(130);
      }
    };
    for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) process.on(signal, onSignal);
    const parent = process.ppid;
    const orphanCheck = setInterval(() => {
      if (process.ppid !== parent) onSignal();
    }, 500);
  });
}
