// The tier quota and credit balance (contract §12.3): headers on every
// authenticated response while a quota is set, and the x402 402 once paid
// requests are used up with no credits to cover them. Only the routes the
// spec prices (x-payment-info) are paid; listing, auth and health are free.
import { HttpError } from './problems';
import type { QuotaOptions, QuotaStatus } from './types';

/** USD per request, from SPEC x-payment-info. */
export const PAID_ROUTES: Readonly<Record<string, number>> = {
  'GET /v1/vaults/{vault_id}/secrets/{path}': 0.0015,
  'PUT /v1/vaults/{vault_id}/secrets/{path}': 0.0075,
  'GET /v1/audit/events': 0.0008,
};

/** USDC on Base: the asset and network of 1Claw's x402 requirements (billing-and-usage.md). */
const USDC_BASE = '0x833589fCD6eDb6E08f4c7C32D4f71b54bdA02913';
const PAY_TO = '0x000000000000000000000000000000000000c1a0';

const WARNING_PERCENT = 80;

export class Quota {
  private options: Required<Omit<QuotaOptions, 'creditExpiringSoon'>> & { creditExpiringSoon?: boolean } = {
    limit: 0,
    used: 0,
    creditBalanceCents: 0,
    overageMethod: 'credits',
  };
  private on = false;
  private refused = 0;

  configure(quota: QuotaOptions | undefined): void {
    if (quota !== undefined) validate(quota);
    this.on = quota !== undefined;
    this.refused = 0;
    this.options = {
      limit: quota?.limit ?? 0,
      used: quota?.used ?? 0,
      creditBalanceCents: quota?.creditBalanceCents ?? 0,
      overageMethod: quota?.overageMethod ?? 'credits',
      ...(quota?.creditExpiringSoon === undefined ? {} : { creditExpiringSoon: quota.creditExpiringSoon }),
    };
  }

  get enabled(): boolean {
    return this.on;
  }

  private percent(): number {
    const { limit, used } = this.options;
    return limit <= 0 ? 100 : Math.floor((used * 100) / limit);
  }

  status(): QuotaStatus | undefined {
    if (!this.on) return undefined;
    const { limit, used, creditBalanceCents } = this.options;
    return { limit, used, percent: this.percent(), creditBalanceCents: Math.floor(creditBalanceCents), refused: this.refused };
  }

  /** The documented headers; empty while no quota is set. */
  headers(): Record<string, string> {
    if (!this.on) return {};
    const o = this.options;
    const percent = this.percent();
    const headers: Record<string, string> = {
      'X-RateLimit-Requests-Used': String(o.used),
      'X-RateLimit-Requests-Limit': String(o.limit),
      'X-RateLimit-Requests-Percent': String(percent),
      'X-Credit-Balance-Cents': String(Math.floor(o.creditBalanceCents)),
      'X-Overage-Method': o.overageMethod,
    };
    if (percent > WARNING_PERCENT) headers['X-Quota-Warning'] = `You have used ${percent}% of your plan's ${o.limit} monthly requests`;
    if (o.creditExpiringSoon !== undefined) headers['X-Credit-Expiring-Soon'] = String(o.creditExpiringSoon);
    return headers;
  }

  /**
   * Accounts one paid request. Over the quota it is paid from credits (its price in cents) or by
   * an X-PAYMENT header (accepted unverified); otherwise 402 with the x402 body.
   */
  charge(route: string, resourceUrl: string, payment: string | undefined): void {
    const price = PAID_ROUTES[route];
    if (!this.on || price === undefined) return;
    const o = this.options;
    if (o.used >= o.limit) {
      const cents = price * 100;
      const paid = payment !== undefined && payment.trim() !== '';
      if (!paid && !(o.overageMethod === 'credits' && o.creditBalanceCents >= cents)) {
        this.refused += 1;
        throw new HttpError(402, 'Payment required', this.headers(), 'about:blank', paymentRequirement(route, resourceUrl, price));
      }
      if (!paid) o.creditBalanceCents -= cents;
    }
    o.used += 1;
  }
}

/** The x402 v1 body of billing-and-usage.md, plus SPEC PaymentRequirement's `price`. */
export function paymentRequirement(route: string, resourceUrl: string, priceUsd: number): Record<string, unknown> {
  const description = `1Claw ${route}: monthly quota used up`;
  return {
    x402Version: 1,
    error: 'X-PAYMENT header is required',
    accepts: [
      {
        scheme: 'exact',
        network: 'eip155:8453',
        maxAmountRequired: String(Math.round(priceUsd * 1_000_000)),
        price: `$${priceUsd}`,
        resource: resourceUrl,
        description,
        mimeType: 'application/json',
        payTo: PAY_TO,
        maxTimeoutSeconds: 60,
        asset: USDC_BASE,
      },
    ],
    description: 'Your plan\'s monthly request quota is used up. Add credits, upgrade, or pay per request with x402.',
  };
}

function validate(quota: QuotaOptions): void {
  const count = (value: unknown): boolean => typeof value === 'number' && Number.isInteger(value) && value >= 0;
  if (!count(quota.limit)) throw new HttpError(400, 'quota.limit must be a non-negative integer');
  if (quota.used !== undefined && !count(quota.used)) throw new HttpError(400, 'quota.used must be a non-negative integer');
  if (quota.creditBalanceCents !== undefined && !(typeof quota.creditBalanceCents === 'number' && quota.creditBalanceCents >= 0)) {
    throw new HttpError(400, 'quota.creditBalanceCents must be a non-negative number');
  }
  if (quota.overageMethod !== undefined && quota.overageMethod !== 'credits' && quota.overageMethod !== 'x402') throw new HttpError(400, "quota.overageMethod must be 'credits' or 'x402'");
}
