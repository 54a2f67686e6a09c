/** One storyfeed sub-command: takes its arguments, returns the process exit code. */
export type Command = (args: string[]) => Promise<number>;

const COMMANDS: Record<string, () => Promise<Command>> = {
  parse: async () => (await import('./commands/parse.ts')).runParse,
  dev: async () => (await import('./commands/dev.ts')).runDev,
  upload: async () => (await import('./commands/upload.ts')).runUpload,
  dlq: async () => (await import('./commands/dlq.ts')).runDlq,
  'events-dlq': async () => (await import('./commands/events-dlq.ts')).runEventsDlq,
};

const USAGE = `usage: storyfeed <command> [options]

commands:
  dev [--watch DIR] [--json]     run the whole pipeline on this machine (same as npm start)
  parse FILE                     print the SPEC §2 document of one story file
  upload FILE... [--bucket B] [--endpoint URL] [--story-id ID]
                                 put story files (or directories of them) into the bucket
  dlq [--redrive] [--json]       list (or replay) events that failed 5 times in the local pipeline
  events-dlq [--redrive] [--json]  list (or send again) events the local webhook refused`;

/** Runs the CLI with argv (without node and script); returns the exit code. */
export async function runCli(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  const load = name === undefined ? undefined : COMMANDS[name];
  if (!load) {
    process.stderr.write(`${USAGE}\n`);
    return name === undefined || name === '--help' || name === '-h' ? 0 : 2;
  }
  const command = await load();
  return command(rest);
}
