/**
 * The organisation's request quota, as 1Claw reports it on every authenticated answer
 * (`X-RateLimit-Requests-Used/Limit/Percent`, `X-Quota-Warning` above 80 %, `X-Credit-Balance-Cents`,
 * `X-Overage-Method`, `X-Credit-Expiring-Soon`) and as a 402 says it when a paid call is refused.
 * Plain data and one monitor; the status bar turns a notice into a sentence.
 */
import type { IncomingHttpHeaders } from 'node:http';
import { Emitter } from '../util/events';
import type { Logger } from '../util/log';

export interface QuotaReport {
  used?: number;
  limit?: number;
  percent?: number;
  /** The server's own X-Quota-Warning text. */
  warning?: string;
  creditBalanceCents?: number;
  creditExpiringSoon?: boolean;
  overageMethod?: string;
}

export type QuotaNotice =
  /** Above the warning level, or over the quota but paid from credits. */
  | { kind: 'warning'; report: QuotaReport }
  /** Paid calls get 402: from the headers (used up, nothing to pay with) or from a 402 we received. */
  | { kind: 'exhausted'; report?: QuotaReport; refusedRoute?: string };

/** An answer as the client saw it (no body: headers and status are enough here). */
export interface ObservedResponse {
  method: string;
  route: string;
  status: number;
  headers: IncomingHttpHeaders;
}

const WARNING_PERCENT = 80;

function text(headers: IncomingHttpHeaders, name: string): string | undefined {
  const value = headers[name];
  const first = Array.isArray(value) ? value[0] : value;
  return first === undefined ? undefined : first.trim();
}

function count(headers: IncomingHttpHeaders, name: string): number | undefined {
  const value = text(headers, name);
  return value !== undefined && /^\d+(\.\d+)?$/.test(value) ? Number(value) : undefined;
}

/** The quota headers of one answer, or undefined when it carries none. */
function parseQuotaHeaders(headers: IncomingHttpHeaders): QuotaReport | undefined {
  const report: QuotaReport = {};
  const used = count(headers, 'x-ratelimit-requests-used');
  const limit = count(headers, 'x-ratelimit-requests-limit');
  const percent = count(headers, 'x-ratelimit-requests-percent');
  const balance = count(headers, 'x-credit-balance-cents');
  const warning = text(headers, 'x-quota-warning');
  const expiring = text(headers, 'x-credit-expiring-soon');
  const overage = text(headers, 'x-overage-method');
  if (used !== undefined) report.used = used;
  if (limit !== undefined) report.limit = limit;
  if (percent !== undefined) report.percent = percent;
  else if (used !== undefined && limit) report.percent = Math.floor((used * 100) / limit);
  if (balance !== undefined) report.creditBalanceCents = balance;
  if (warning) report.warning = warning.slice(0, 200);
  if (expiring !== undefined) report.creditExpiringSoon = expiring.toLowerCase() === 'true';
  if (overage) report.overageMethod = overage.slice(0, 20);
  return Object.keys(report).length ? report : undefined;
}

/** What a report means for paid calls. */
function noticeFor(report: QuotaReport): QuotaNotice | undefined {
  const over = report.limit !== undefined && report.used !== undefined ? report.limit > 0 && report.used >= report.limit : (report.percent ?? 0) >= 100;
  const credits = report.overageMethod !== 'x402' && (report.creditBalanceCents ?? 0) > 0;
  if (over && !credits) return { kind: 'exhausted', report };
  if (over || report.warning || (report.percent ?? 0) > WARNING_PERCENT) return { kind: 'warning', report };
  return undefined;
}

/**
 * Follows every answer. A notice stays until an answer's headers say otherwise: an answer
 * without quota headers (the auth routes) says nothing about the quota.
 */
export class QuotaMonitor {
  private current: QuotaNotice | undefined;
  private readonly changed: Emitter<QuotaNotice | undefined>;
  readonly onDidChange;

  constructor(private readonly logger?: Logger) {
    this.changed = new Emitter<QuotaNotice | undefined>(logger);
    this.onDidChange = this.changed.event;
  }

  get notice(): QuotaNotice | undefined {
    return this.current;
  }

  observe(response: ObservedResponse): void {
    const report = parseQuotaHeaders(response.headers);
    if (response.status === 402) {
      this.logger?.warn(`${response.method} ${response.route}: 402 Payment Required: the organisation's 1Claw quota is used up; not retried.`);
      this.set({ kind: 'exhausted', ...(report ? { report } : {}), refusedRoute: `${response.method} ${response.route}` });
    } else if (report) this.set(noticeFor(report));
  }

  dispose(): void {
    this.changed.dispose();
  }

  private set(notice: QuotaNotice | undefined): void {
    if (JSON.stringify(notice) === JSON.stringify(this.current)) return;
    const was = this.current?.kind;
    this.current = notice;
    if (notice?.kind !== was) this.logger?.info(notice ? `1Claw quota: ${notice.kind}${notice.report?.percent !== undefined ? ` (${notice.report.percent} % used)` : ''}.` : '1Claw quota: back under the warning level.');
    this.changed.fire(notice);
  }
}
