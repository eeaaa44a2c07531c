/** The "1Claw" log output channel, behind the redacting logger: nothing reaches it unredacted. */
import * as vscode from 'vscode';
import { createLogger, type Logger } from '../util/log';

export function createLogChannel(): { channel: vscode.LogOutputChannel; logger: Logger } {
  const channel = vscode.window.createOutputChannel('1Claw', { log: true });
  const logger = createLogger((level, message) => channel[level](message));
  return { channel, logger };
}
