/** Which editor we run in, decided by the app name (Cursor stubs VS Code's MCP API, so feature tests lie). */
import * as vscode from 'vscode';

export type HostKind = 'cursor' | 'code-server' | 'vscode';

export function detectHost(appName: string = vscode.env.appName): HostKind {
  const name = appName.toLowerCase();
  if (name.includes('cursor')) return 'cursor';
  if (name.includes('code-server')) return 'code-server';
  return 'vscode';
}
