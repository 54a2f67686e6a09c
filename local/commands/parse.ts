import { readFile } from 'node:fs/promises';
import { resolve, sep } from 'node:path';
import { parseStory } from '../../functions/story/parse-story.ts';
import { StoryError } from '../../functions/story/types.ts';
import { readCommandLine } from './command-line.ts';

const SPEC = {
  name: 'parse',
  usage: `usage: storyfeed parse FILE [--story-id ID]

Prints the JSON document of one story file (SPEC §2) on stdout, exit 0; a bad file prints
{"error":{"code","message"}} on stderr, exit 1.
  --story-id ID   the id as if the object had that story-id metadata (default: from FILE's path)`,
  options: { 'story-id': { type: 'string' } },
  positionals: { min: 1, max: 1, what: 'a FILE' },
} as const;

/** `storyfeed parse FILE`: prints the SPEC §2 document (exit 0) or the JSON error on stderr (exit 1; 2 for usage). */
export async function runParse(args: string[]): Promise<number> {
  const line = readCommandLine(SPEC, args);
  if (line.exit !== undefined) return line.exit;
  const file = line.positionals[0] as string;
  const storyId = line.values['story-id'];
  let bytes: Uint8Array;
  try {
    bytes = await readFile(file);
  } catch (error) {
    const reason = error instanceof Error && 'code' in error ? String(error.code) : String(error);
    writeError('unreadable_file', `cannot read ${file}: ${reason}`);
    return 1;
  }
  try {
    const key = resolve(file).split(sep).join('/');
    const document = parseStory(bytes, { key, metadataStoryId: storyId });
    process.stdout.write(`${JSON.stringify(document, null, 2)}\n`);
    return 0;
  } catch (error) {
    if (!(error instanceof StoryError)) throw error;
    writeError(error.code, error.message);
    return 1;
  }
}

function writeError(code: string, message: string): void {
  process.stderr.write(`${JSON.stringify({ error: { code, message } })}\n`);
}
