/**
 * `npm run bench`: runs every benchmark in its own process, one after another (they measure time,
 * so they must not share the machine), and prints their figures. Never part of `npm test`.
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';

const BENCHES = ['parse', 'fuzz', 'diff', 'pages', 'ingest', 'api', 'start'];
const only = process.argv.slice(2);
let failed = 0;
for (const name of BENCHES.filter((bench) => only.length === 0 || only.includes(bench))) {
  const file = new URL(`./${name}.ts`, import.meta.url);
  if (!existsSync(file)) continue;
  console.log(`\n=== bench/${name}.ts ===`);
  const result = spawnSync(process.execPath, ['--import', 'tsx', file.pathname], {
    stdio: 'inherit',
    env: { ...process.env, AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' },
  });
  if (result.status !== 0) failed += 1;
}
process.exitCode = failed === 0 ? 0 : 1;
