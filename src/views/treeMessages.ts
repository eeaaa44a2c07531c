/**
 * The one-row messages the vault tree shows instead of secrets: a short label that fits the
 * default sidebar width, and the reason and the next step in the tooltip. Plain data.
 */
import type { EmptyListing } from '../credentials/vaultGrants';

export interface TreeMessage {
  /** Short: the row is cut off at about 30 characters in the default sidebar. */
  label: string;
  icon: string;
  tooltip: string;
  contextValue: string;
}

const GRANT = 'An administrator can grant the agent a read policy on this vault in the 1Claw dashboard.';

function globs(patterns: readonly string[]): string {
  const shown = patterns.slice(0, 5).map((p) => `"${p}"`).join(', ');
  return patterns.length > 5 ? `${shown} and ${patterns.length - 5} more` : shown;
}

export function emptyListingMessage(reason: EmptyListing): TreeMessage {
  switch (reason.kind) {
    case 'noAccess':
      return {
        label: 'No access',
        icon: 'lock',
        contextValue: 'noAccess',
        tooltip:
          reason.basis === 'policies'
            ? `This agent has no policy that lets it read secrets in this vault, so 1Claw lists nothing here (whether the vault holds secrets is not shown to the agent). ${GRANT}`
            : `This agent's token carries no scopes, so it holds no policy in any vault and 1Claw lists nothing here. ${GRANT}`,
      };
    case 'empty':
      return {
        label: 'No secrets yet',
        icon: 'info',
        contextValue: 'message',
        tooltip: `${reason.owner ? 'This agent created this vault and may read all of it ("**")' : `This agent may read ${globs(reason.patterns)} in this vault`}, and no secret is stored under ${reason.patterns.length === 1 ? 'that path' : 'those paths'}. Secrets added in the 1Claw dashboard appear here after a refresh.`,
      };
    case 'unknown':
      return {
        label: 'No secrets listed',
        icon: 'question',
        contextValue: 'message',
        tooltip:
          `1Claw listed no secret here. The vault is empty, or this agent has no policy for it: 1Claw lists both the same way, and ${reason.reason}, ` +
          `so the extension cannot tell which.${reason.scopes.length ? ` The token's scopes (${globs(reason.scopes)}) do not say which vault they apply to.` : ''} ${GRANT}`,
      };
  }
}

export function forbiddenMessage(detail: string | undefined): TreeMessage {
  return {
    label: 'No access',
    icon: 'lock',
    contextValue: 'noAccess',
    tooltip: `1Claw refused to list this vault (403${detail ? `: ${detail}` : ''}): the agent is not bound to it, or lost its access. ${GRANT}`,
  };
}

export function rateLimitedMessage(detail: string): TreeMessage {
  return { label: 'Rate-limited, try later', icon: 'watch', contextValue: 'message', tooltip: `1Claw asked the extension to slow down (${detail}). Use Refresh in a moment.` };
}

export function quotaMessage(): TreeMessage {
  return { label: 'Quota used up', icon: 'credit-card', contextValue: 'message', tooltip: '1Claw answered 402 Payment Required: the organisation\'s quota is used up. See the status bar for the next step.' };
}

export function errorMessage(what: string, detail: string): TreeMessage {
  return { label: `Could not list ${what}`, icon: 'warning', contextValue: 'message', tooltip: `${detail}\n\nUse the Refresh button to try again.` };
}
