/** Where `storyfeed dev` writes what the user sees: readable lines, or JSON lines with `--json`. */
export interface DevLog {
  json: boolean;
  /** One event: readable `text`, or in JSON mode `{level, message, ...fields}`. */
  info(text: string, fields?: Record<string, unknown>): void;
  warn(text: string, fields?: Record<string, unknown>): void;
  /** Raw readable text (banner blocks); skipped in JSON mode. */
  plain(text: string): void;
}

/**
 * Makes the dev log; `write` defaults to stdout's write as it is now, so that the log keeps
 * writing straight to stdout once the handler log tap is installed.
 */
export function createDevLog(json: boolean, write: (text: string) => void = bindStdout()) {
  const emit = (level: string, text: string, fields?: Record<string, unknown>) => {
    if (json) {
      write(
        `${JSON.stringify({ level, message: text.trim(), service: 'storyfeed-local', timestamp: new Date().toISOString(), ...fields })}\n`,
      );
    } else {
      write(`${level === 'WARN' ? 'warning: ' : ''}${text}\n`);
    }
  };
  const log: DevLog = {
    json,
    info: (text, fields) => emit('INFO', text, fields),
    warn: (text, fields) => emit('WARN', text, fields),
    plain: (text) => {
      if (!json) write(`${text}\n`);
    },
  };
  return log;
}

function bindStdout(): (text: string) => void {
  const write = process.stdout.write.bind(process.stdout);
  return (text) => {
    write(text);
  };
}

const NAMED_ESCAPES: Record<string, string> = { '\n': '\\n', '\r': '\\r', '\t': '\\t', '\\': '\\\\' };

/**
 * Makes a text that comes from outside (an S3 key, a file name) safe to print inside one log line:
 * control characters (a newline would forge a line), line/paragraph separators and bidi overrides
 * become escapes (`\n`, `\u001b`), and a backslash is doubled so that the escapes stay unambiguous.
 */
export function escapeControl(text: string): string {
  return text.replace(
    /[\p{Cc}\u2028\u2029\u202a-\u202e\u2066-\u2069\\]/gu,
    (char) => NAMED_ESCAPES[char] ?? `\\u${(char.codePointAt(0) ?? 0).toString(16).padStart(4, '0')}`,
  );
}
