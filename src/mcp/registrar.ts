/** What every MCP client registration implements, whether it edits a file or calls an editor API. */
import type { SessionConnection } from '../credentials/session';
import type { CredentialForm } from './clients/client';

/** What a registration needs from the live connection (published by the session, or built by the CLI). */
export type McpConnection = SessionConnection;

export interface RegistrationResult {
  ok: boolean;
  /** Not done, by design rather than by failure (the client cannot be served in this style here). */
  skipped?: boolean;
  /** A short sentence for the log and the status tooltip. */
  detail: string;
  path?: string;
  backupPath?: string;
  /** How the entry authenticates (when it was written). */
  credential?: CredentialForm;
}

export interface McpRegistrar {
  readonly id: string;
  readonly label: string;
  /** Whether the registration embeds the JWT and must be renewed on every refresh. */
  readonly tokenBound: boolean;
  register(connection: McpConnection): Promise<RegistrationResult>;
  unregister(): Promise<RegistrationResult>;
  /** Told of every token issued while registered (the Claude Code helper's cache follows it). */
  tokenIssued?(connection: McpConnection): Promise<void>;
}
