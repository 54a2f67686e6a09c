import { parseArgs } from 'node:util';
import { DataDirInUseError, startDev } from '../dev.ts';
import { createDevLog } from '../dev-log.ts';
import { PortInUseError } from '../emulators.ts';
import { readPortVariable } from './env.ts';

const USAGE = `usage: storyfeed dev [--watch DIR] [--json]

Runs the whole pipeline on this machine (same as npm start). Variables: PORT (3000), S3_PORT (4569),
DYNAMODB_PORT (4567), STORYFEED_DATA_DIR (.storyfeed), PUBLIC_BASE_URL (from the request).`;

/** `storyfeed dev`: starts the embedded default and runs until SIGINT/SIGTERM; returns the exit code. */
export async function runDev(args: string[]): Promise<number> {
  // The project runs on Node 20 (package.json engines); the SDK's notice about future releases is noise here.
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
  let values: { watch?: string | undefined; json?: boolean | undefined; help?: boolean | undefined };
  try {
    ({ values } = parseArgs({
      args,
      options: {
        watch: { type: 'string' },
        json: { type: 'boolean' },
        help: { type: 'boolean', short: 'h' },
      },
    }));
  } catch (error) {
    process.stderr.write(`${(error as Error).message}\n${USAGE}\n`);
    return 2;
  }
  if (values.help) {
    process.stdout.write(`${USAGE}\n`);
    return 0;
  }
  const log = createDevLog(values.json ?? false);
  let stack: Awaited<ReturnType<typeof startDev>>;
  try {
    stack = await startDev({
      port: readPortVariable('PORT', 3000),
      s3Port: readPortVariable('S3_PORT', 4569),
      dynamodbPort: readPortVariable('DYNAMODB_PORT', 4567),
      dataDir: process.env.STORYFEED_DATA_DIR || '.storyfeed',
      log,
      ...(process.env.STORYFEED_SEEDS_DIR ? { seedsDir: process.env.STORYFEED_SEEDS_DIR } : {}),
      ...(values.watch ? { watchDir: values.watch } : {}),
    });
  } catch (error) {
    if (error instanceof PortInUseError) {
      process.stderr.write(
        `storyfeed: port ${error.port} is already in use. Set ${error.variable} to a free port, e.g. ${error.variable}=${error.port + 1} npm start\n`,
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
