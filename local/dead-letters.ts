import { join } from 'node:path';
import { appendJsonLine, readJsonLines, takeJsonLines } from '../functions/events/json-lines-file.ts';

/** One event that failed its last allowed try, as kept in `dlq.jsonl` in the data folder. */
export interface DeadLetter {
  messageId: string;
  bucket: string;
  /** The object key, decoded (as stored in the bucket). */
  key: string;
  eTag: string;
  receiveCount: number;
  failedAt: string;
  /** Why the last try failed. */
  error: string;
  /** The SQS message body the handler received: the S3 event JSON. */
  body: string;
}

/** The dead-letter file of a data folder. */
export function deadLetterPath(dataDir: string): string {
  return join(dataDir, 'dlq.jsonl');
}

/** Appends one dead letter (one JSON line) to the file. */
export function appendDeadLetter(path: string, letter: DeadLetter): void {
  appendJsonLine(path, letter);
}

/** Reads every dead letter in the file (none when it does not exist). */
export function readDeadLetters(path: string): DeadLetter[] {
  return readJsonLines<DeadLetter>(path);
}

/**
 * Takes every dead letter out of the file (moving it aside first, so letters the running pipeline
 * appends meanwhile start a fresh file) and returns them.
 */
export function takeDeadLetters(path: string): DeadLetter[] {
  return takeJsonLines<DeadLetter>(path);
}
