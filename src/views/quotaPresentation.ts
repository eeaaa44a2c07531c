/**
 * The quota as the status bar says it: a short label for the item and a sentence with the next
 * step and a link to billing in the 1Claw dashboard for the tooltip. Plain data.
 */
import type { QuotaNotice, QuotaReport } from '../api/quota';
import { escapeMarkdown } from './markdown';

/** Settings → Billing in the dashboard (the page the official docs and error texts point to). */
export function billingUrl(dashboardUrl: string): string {
  return `${dashboardUrl.replace(/\/+$/, '')}/settings/billing`;
}

export interface QuotaPresentation {
  /** Replaces or follows the vault name in the status bar text. */
  label: string;
  /** Markdown paragraph(s) for the tooltip. */
  tooltip: string;
  /** True when paid calls fail now (the item's text becomes the label alone). */
  blocking: boolean;
}

const number = (n: number) => n.toLocaleString('en-US');

function usage(report: QuotaReport | undefined): string | undefined {
  if (report?.used !== undefined && report.limit !== undefined) return `${number(report.used)} of ${number(report.limit)} requests this month${report.percent !== undefined ? ` (${report.percent} %)` : ''}`;
  if (report?.percent !== undefined) return `${report.percent} % of this month's requests`;
  return undefined;
}

/** The credit balance, when there is one to speak of (always when paid calls fail: "$0.00 left" is the point). */
function credits(report: QuotaReport | undefined, evenIfNone = false): string {
  if (report?.creditBalanceCents === undefined || (!evenIfNone && report.creditBalanceCents <= 0)) return '';
  const balance = `$${(report.creditBalanceCents / 100).toFixed(2)} in credits left`;
  return report.creditExpiringSoon ? ` ${balance}, some expiring soon.` : ` ${balance}.`;
}

export function presentQuota(notice: QuotaNotice, dashboardUrl: string): QuotaPresentation {
  const link = `[Billing in the 1Claw dashboard](${billingUrl(dashboardUrl)})`;
  const used = usage(notice.report);
  if (notice.kind === 'exhausted') {
    const refused = notice.refusedRoute ? ` 1Claw refused ${escapeMarkdown(notice.refusedRoute)} with 402 Payment Required.` : '';
    return {
      label: 'Quota used up',
      blocking: true,
      tooltip:
        `**Your organisation's 1Claw quota is used up**${used ? `: ${used}` : ''}.${refused}${credits(notice.report, true)} ` +
        'Paid calls (secret reads by your AI tools, audit queries) get 402 Payment Required until you add credits, upgrade the plan or enable x402 payments; nothing retries them in a loop. ' +
        `Next step: ${link}, then click Refresh.`,
    };
  }
  const over = notice.report?.limit !== undefined && notice.report.used !== undefined && notice.report.used >= notice.report.limit;
  const percent = notice.report?.percent;
  return {
    label: over ? 'over quota' : percent !== undefined ? `quota ${percent} %` : 'quota warning',
    blocking: false,
    tooltip:
      `**Quota:** ${over ? 'the monthly quota is used up; paid calls are taken from your credits' : `you have used ${used ?? 'most of this month\'s requests'}`}.${credits(notice.report)}` +
      `${notice.report?.warning ? ` 1Claw says: "${escapeMarkdown(notice.report.warning)}".` : ''} Once it is used up, paid calls get 402 Payment Required. ` +
      `Next step: add credits or upgrade the plan: ${link}.`,
  };
}
