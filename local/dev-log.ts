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
