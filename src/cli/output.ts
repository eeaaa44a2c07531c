/**
 * The only place in src/ that writes to the console: every line the `oneclaw` CLI prints passes
 * through redact() first, with one deliberate exception — `headersForClaude`, the headers
 * helper's single answer to Claude Code, whose whole purpose is to hand over a token. Standard
 * output carries results; standard error carries progress and problems.
 */
import { createLogger, type Logger } from '../util/log';
import { redact } from '../util/redact';

export interface Output {
  /** A result line on standard output. */
  print(text: string): void;
  /** The headers helper's answer to Claude Code (the one unredacted line): one write, so never partial. */
  headersForClaude(line: string): void;
  /** A progress or problem line on standard error. */
  note(text: string): void;
  logger: Logger;
}

export interface OutputStreams {
  stdout: (text: string) => void;
  stderr: (text: string) => void;
}

export const consoleStreams: OutputStreams = {
  stdout: (text) => void process.stdout.write(text),
  stderr: (text) => void process.stderr.write(text),
};

/** `verbose` adds debug lines; `prefix` marks lines in a shared log (the Coder start-up log). */
export function createOutput(streams: OutputStreams, options: { prefix?: string; verbose?: boolean } = {}): Output {
  const prefix = options.prefix ? `${options.prefix} ` : '';
  const print = (text: string) => streams.stdout(`${redact(text)}\n`);
  const note = (text: string) => streams.stderr(`${prefix}${redact(text)}\n`);
  const logger = createLogger((level, message) => {
    if (level === 'trace' || (level === 'debug' && !options.verbose)) return;
    note(level === 'info' || level === 'debug' ? message : `${level}: ${message}`);
  });
  const headersForClaude = (line: string) => streams.stdout(`${line}\n`);
  return { print, note, headersForClaude, logger };
}
