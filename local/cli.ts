import { readFileSync } from 'node:fs';
import { describeParseError, USAGE_ERROR } from './commands/command-line.ts';

/** One storyfeed sub-command: takes its arguments, returns the process exit code. */
export type Command = (args: string[]) => Promise<number>;

const COMMANDS: Record<string, () => Promise<Command>> = {
  dev: async () => (await import('./commands/dev.ts')).runDev,
  parse: async () => (await import('./commands/parse.ts')).runParse,
  upload: async () => (await import('./commands/upload.ts')).runUpload,
  retract: async () => (await import('./commands/retract.ts')).runRetract,
  dlq: async () => (await import('./commands/dlq.ts')).runDlq,
  'events-dlq': async () => (await import('./commands/events-dlq.ts')).runEventsDlq,
};

const USAGE = `usage: storyfeed <command> [options]

commands:
  dev [--watch DIR] [--json]      run the whole pipeline on this machine (same as npm start)
  parse FILE [--story-id ID]      print the SPEC §2 document of one story file
  upload FILE... [--bucket B] [--endpoint URL] [--api URL] [--story-id ID] [--no-wait]
                                  put story files (or folders of them) into the bucket and
                                  print what the pipeline made of each
  retract STORY_ID [VERSION] [--bucket B] [--endpoint URL]
                                  delete the bucket keys a story (or one version) comes from
  dlq [--redrive] [--json]        list (or replay) uploads the local pipeline gave up on
  events-dlq [--redrive] [--json] list (or send again) events the local webhook refused

options:
  -h, --help                      this text (storyfeed COMMAND --help: that command's)
  -v, --version                   the storyfeed version`;

/**
 * Runs the CLI with argv (without node and script); returns the exit code. No arguments print the
 * usage on stdout with exit 2 (a missing command is a usage error, so a script that forgets it fails).
 */
export async function runCli(argv: string[]): Promise<number> {
  // The project runs on Node 20 (package.json engines); the SDK's notice about future releases is noise here.
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
  const [name, ...rest] = argv;
  if (name === undefined) {
    process.stdout.write(`${USAGE}\n`);
    return USAGE_ERROR;
  }
  if (name === '--help' || name === '-h' || name === 'help') {
    const topic = name === 'help' ? rest[0] : undefined;
    if (topic !== undefined && COMMANDS[topic]) return runCli([topic, '--help']);
    process.stdout.write(`${USAGE}\n`);
    return 0;
  }
  if (name === '--version' || name === '-v' || name === '-V') {
    process.stdout.write(`${readPackageVersion()}\n`);
    return 0;
  }
  const load = COMMANDS[name];
  if (!load) {
    const problem = name.startsWith('-')
      ? describeParseError({ code: 'ERR_PARSE_ARGS_UNKNOWN_OPTION', message: `'${name.split('=')[0]}'` })
      : `unknown command '${name}'`;
    process.stderr.write(`storyfeed: ${problem}\nRun 'storyfeed --help' for the commands.\n`);
    return USAGE_ERROR;
  }
  const command = await load();
  return command(rest);
}

/** The version in the project's package.json. */
export function readPackageVersion(): string {
  const path = new URL('../package.json', import.meta.url);
  return (JSON.parse(readFileSync(path, 'utf8')) as { version: string }).version;
}
