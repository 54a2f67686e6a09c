import { readFile } from 'node:fs/promises';
import { resolve, sep } from 'node:path';
import { parseStory } from '../../functions/story/parse-story.ts';
import { StoryError } from '../../functions/story/types.ts';

const USAGE = 'usage: storyfeed parse FILE [--story-id ID]';

/** `storyfeed parse FILE`: prints the SPEC §2 document (exit 0) or the JSON error on stderr (exit 1; 2 for usage). */
export async function runParse(args: string[]): Promise<number> {
  const { file, storyId, problem } = readArguments(args);
  if (problem !== undefined || file === undefined) {
    process.stderr.write(`${problem ?? 'expected one FILE'}\n${USAGE}\n`);
    return 2;
  }
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

function readArguments(args: string[]): { file?: string; storyId?: string; problem?: string } {
  const files: string[] = [];
  let storyId: string | undefined;
  for (let i = 0; i < args.length; i += 1) {
    const arg = args[i] ?? '';
    if (arg === '--story-id') {
      storyId = args[i + 1];
      if (storyId === undefined) return { problem: '--story-id needs a value' };
      i += 1;
    } else if (arg.startsWith('--') && arg !== '--') {
      return { problem: `unknown option ${arg}` };
    } else {
      files.push(arg);
    }
  }
  if (files.length !== 1)
    return { problem: files.length === 0 ? 'expected a FILE' : 'expected exactly one FILE' };
  return storyId === undefined ? { file: files[0] } : { file: files[0], storyId };
}

function writeError(code: string, message: string): void {
  process.stderr.write(`${JSON.stringify({ error: { code, message } })}\n`);
}
