/** A config-file edit's outcome as the sentence the log, the views and the CLI show. */
import type { ConfigEditOutcome } from '../edit/configFile';
import type { RegistrationResult } from '../registrar';

export function describe(outcome: ConfigEditOutcome, label: string, removing = false): RegistrationResult {
  switch (outcome.status) {
    case 'written':
      return { ok: true, detail: `${label}: entry written to ${outcome.path}.`, path: outcome.path };
    case 'unchanged':
      return { ok: true, detail: removing ? `${label}: no 1Claw entry in ${outcome.path}.` : `${label}: ${outcome.path} already up to date.`, path: outcome.path };
    case 'removed':
      return { ok: true, detail: `${label}: entry removed from ${outcome.path}.`, path: outcome.path };
    case 'skipped': {
      const backup = outcome.backupPath ? ` A copy of what was there is at ${outcome.backupPath}.` : '';
      return { ok: false, detail: `${label} was skipped: ${outcome.reason}.${backup}`, path: outcome.path, backupPath: outcome.backupPath };
    }
  }
}
