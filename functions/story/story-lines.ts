import { isWhitespaceCode } from './figure-text.ts';

/**
 * The lines of a story text as `text.split('\n')` gives them, read by offsets: a line becomes a string only
 * when asked for, and blank lines are told from char codes.
 */
export class StoryLines {
  /** How many lines the text has (at least one: an empty text is one empty line). */
  readonly count: number;
  private readonly text: string;
  /** Where each line starts, then `text.length + 1`, where a line after the last would start. */
  private readonly starts: number[];

  constructor(text: string) {
    this.text = text;
    this.starts = [0];
    for (let at = text.indexOf('\n'); at !== -1; at = text.indexOf('\n', at + 1)) this.starts.push(at + 1);
    this.starts.push(text.length + 1);
    this.count = this.starts.length - 1;
  }

  /** Line `index` (from 0), or undefined past the last line. */
  line(index: number): string | undefined {
    if (index >= this.count) return undefined;
    return this.text.slice(this.startOf(index), this.startOf(index + 1) - 1);
  }

  /** Lines `first` up to `end` (not included) joined by line ends, as they stand in the text. */
  join(first: number, end: number): string {
    return this.text.slice(this.startOf(first), this.startOf(end) - 1);
  }

  /** True when line `index` holds only whitespace (Unicode spaces such as U+00A0 included), as `trim` sees it. */
  isBlank(index: number): boolean {
    const from = this.startOf(index);
    const to = this.startOf(index + 1) - 1;
    const first = this.text.charCodeAt(from);
    if (from < to && first > 0x20 && first < 0x7f) return false; // a visible ASCII character: most lines
    for (let i = from; i < to; i += 1) if (!isWhitespaceCode(this.text.charCodeAt(i))) return false;
    return true;
  }

  private startOf(index: number): number {
    return this.starts[index] ?? 0;
  }
}
