/**
 * VS Code and code-server: the editor's own chat, through the MCP server definition provider API
 * (src/editor/mcpProvider.ts). Nothing is written to disk: the editor asks for the server when it
 * starts it, and the extension attaches a fresh JWT then. Outside the editor (the CLI) there is
 * nothing to do; this entry exists so the id, the settings and the views know the client.
 */
import type { McpRegistrar, RegistrationResult } from '../registrar';
import type { KnownClient } from './client';

const LABEL = 'VS Code / code-server';

class EditorOnly implements McpRegistrar {
  readonly id = 'vscode';
  readonly label = LABEL;
  readonly tokenBound = false;
  async register(): Promise<RegistrationResult> {
    return { ok: false, skipped: true, detail: `${LABEL}: registered by the 1Claw extension inside the editor (MCP provider API); nothing to write here.` };
  }
  async unregister(): Promise<RegistrationResult> {
    return { ok: true, detail: `${LABEL}: nothing on disk to remove.` };
  }
}

export const vscodeClient: KnownClient = {
  id: 'vscode',
  label: LABEL,
  kind: 'editor',
  editorApi: true,
  configPath: () => '',
  files: () => [],
  format: 'json',
  container: 'servers',
  // Present where the extension runs in VS Code or code-server (decided by the editor layer).
  presence: { binaries: [], markers: () => [] },
  forms: ['editor'],
  registrar: () => new EditorOnly(),
};
