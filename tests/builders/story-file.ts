export interface StoryFileParts {
  version?: string;
  title?: string;
  timestamp?: string;
  paragraphs?: string[];
  disclaimer?: string | null;
}

/** A story file's text in the SPEC §1 layout, with sensible defaults for every part. */
export function buildStoryFile(parts: StoryFileParts = {}): string {
  const {
    version = 'v0.1 🌳',
    title = 'Harbour city opens a new data centre',
    timestamp = '2024-07-05 15:33:01',
    paragraphs = ['The city invested 80.3 billion yuan in 2023, up over 30 percent [25773905].'],
    disclaimer = 'Disclaimer: Generated for tests.',
  } = parts;
  return [version, title, timestamp, ...paragraphs, ...(disclaimer ? [disclaimer] : [])].join('\n\n');
}
