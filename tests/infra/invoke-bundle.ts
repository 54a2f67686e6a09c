import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';

/**
 * Runs in a fresh `node` with only the function's environment (NODE_OPTIONS included), like a
 * Lambda cold start: imports the bundle, calls `handler(event, context)`, writes the result.
 */
const RUNNER = `
import { readFileSync, writeFileSync } from 'node:fs';
import { randomUUID } from 'node:crypto';
const [bundleUrl, eventPath, resultPath, functionName, timeoutMs] = process.argv.slice(1);
const deadline = Date.now() + Number(timeoutMs);
const context = {
  callbackWaitsForEmptyEventLoop: true,
  functionName,
  functionVersion: '$LATEST',
  invokedFunctionArn: 'arn:aws:lambda:us-east-1:123456789012:function:' + functionName,
  memoryLimitInMB: '1024',
  awsRequestId: randomUUID(),
  logGroupName: '/aws/lambda/' + functionName,
  logStreamName: '2024/07/05/[$LATEST]' + randomUUID().replaceAll('-', ''),
  getRemainingTimeInMillis: () => Math.max(0, deadline - Date.now()),
  done() {}, fail() {}, succeed() {},
};
const { handler } = await import(bundleUrl);
const result = await handler(JSON.parse(readFileSync(eventPath, 'utf8')), context);
writeFileSync(resultPath, JSON.stringify(result ?? null));
process.exit(0);
`;

/** What one invocation returned, and what the function printed (its logs). */
export interface BundleInvocation<T> {
  result: T;
  logs: string;
}

/**
 * Invokes a bundled handler (`index.mjs`) in a child Node process with exactly `environment`
 * (plus PATH), the way the Lambda runtime loads it: untransformed ESM, source maps on if asked.
 */
export async function invokeBundle<T>(
  bundlePath: string,
  environment: Record<string, string>,
  event: unknown,
  options: { functionName: string; timeoutMs: number },
): Promise<BundleInvocation<T>> {
  const dir = mkdtempSync(join(tmpdir(), 'storyfeed-invoke-'));
  try {
    const eventPath = join(dir, 'event.json');
    const resultPath = join(dir, 'result.json');
    writeFileSync(eventPath, JSON.stringify(event));
    const args = [
      '--input-type=module',
      '--eval',
      RUNNER,
      pathToFileURL(bundlePath).href,
      eventPath,
      resultPath,
      options.functionName,
      String(options.timeoutMs),
    ];
    const logs = await new Promise<string>((resolve, reject) => {
      execFile(
        process.execPath,
        args,
        { env: { PATH: process.env.PATH ?? '', ...environment }, timeout: options.timeoutMs + 5_000 },
        (error, stdout, stderr) => {
          if (error)
            reject(new Error(`${options.functionName} failed: ${error.message}\n${stdout}\n${stderr}`));
          else resolve(`${stdout}${stderr}`);
        },
      );
    });
    return { result: JSON.parse(readFileSync(resultPath, 'utf8')) as T, logs };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
