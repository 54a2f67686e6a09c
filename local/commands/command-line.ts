import { type ParseArgsConfig, parseArgs } from 'node:util';

type Options = NonNullable<ParseArgsConfig['options']>;

/** One sub-command's command line: its name, usage text, options and how many positionals it takes. */
export interface CommandLineSpec<O extends Options> {
  /** The sub-command, as typed: `upload`. */
  name: string;
  /** The usage text `--help` prints (and a usage error repeats). */
  usage: string;
  options: O;
  positionals?: { min: number; max: number; what: string };
}

/** The parsed command line, or the exit code to return at once (help printed, or a usage error). */
export type CommandLine<O extends Options> =
  | { values: ParsedValues<O>; positionals: string[]; exit?: undefined }
  | { exit: number };

type ParsedValues<O extends Options> = {
  [K in keyof O]?: O[K] extends { type: 'boolean' } ? boolean : string;
};

/** The exit code of a usage error (SPEC §4). */
export const USAGE_ERROR = 2;

/**
 * Parses a sub-command's arguments with node's util.parseArgs. `--help`/`-h` prints the usage on
 * stdout (exit 0); an unknown option, a missing value or a wrong number of positionals prints
 * `storyfeed NAME: <problem>` and the usage line on stderr (exit 2).
 */
export function readCommandLine<O extends Options>(spec: CommandLineSpec<O>, args: string[]): CommandLine<O> {
  const expected = spec.positionals ?? { min: 0, max: 0, what: '' };
  let parsed: { values: Record<string, unknown>; positionals: string[] };
  try {
    parsed = parseArgs({
      args,
      options: { ...spec.options, help: { type: 'boolean', short: 'h' } },
      allowPositionals: expected.max > 0,
      strict: true,
    });
  } catch (error) {
    return usageError(spec, describeParseError(error));
  }
  if (parsed.values.help === true) {
    process.stdout.write(`${spec.usage}\n`);
    return { exit: 0 };
  }
  const count = parsed.positionals.length;
  if (count < expected.min) return usageError(spec, `expected ${expected.what}`);
  if (count > expected.max) {
    return usageError(spec, `unexpected argument '${parsed.positionals[expected.max]}'`);
  }
  return { values: parsed.values as ParsedValues<O>, positionals: parsed.positionals };
}

/** Writes `storyfeed NAME: problem` and the usage line on stderr; returns the usage-error exit. */
export function usageError(spec: { name: string; usage: string }, problem: string): { exit: number } {
  const synopsis = spec.usage.split('\n')[0];
  process.stderr.write(
    `storyfeed ${spec.name}: ${problem}\n${synopsis}\n(storyfeed ${spec.name} --help for more)\n`,
  );
  return { exit: USAGE_ERROR };
}

/** Turns util.parseArgs' errors into short lines that name the offending argument. */
export function describeParseError(error: unknown): string {
  const { code, message } = error as { code?: string; message?: string };
  const quoted = /'([^']*)'/.exec(message ?? '')?.[1];
  switch (code) {
    case 'ERR_PARSE_ARGS_UNKNOWN_OPTION':
      return `unknown option '${quoted ?? message}'`;
    case 'ERR_PARSE_ARGS_UNEXPECTED_POSITIONAL':
      return `unexpected argument '${quoted ?? message}'`;
    case 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE':
      return message?.includes('argument missing')
        ? `option '${quoted?.split(' ')[0] ?? message}' needs a value`
        : `${message?.replace(/^Option/, 'option')}`;
    default:
      return message ?? String(error);
  }
}
