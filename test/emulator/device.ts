// Device authorisation codes (SPEC /v1/auth/device/*, contract §12.4): the
// store behind the routes and the admin approve/deny hooks. The device code
// is a bearer secret (kept hashed, remembered as a canary); the user code is
// meant to be shown to a person, so it is not a canary.
import { randomBytes, randomInt } from 'node:crypto';
import { hashKey } from './keys';
import type { DeviceCodeView } from './types';

/** RFC 8628 §6.1: consonants only, no ambiguous letters. */
const USER_CODE_ALPHABET = 'BCDFGHJKLMNPQRSTVWXZ';

export interface DeviceRecord {
  userCode: string;
  clientId: string;
  email: string | null;
  expiresAtMs: number;
  intervalSeconds: number;
  status: 'pending' | 'approved' | 'denied' | 'consumed';
  approverId: string | null;
  lastPollMs: number | null;
}

function newUserCode(): string {
  const pick = (): string => USER_CODE_ALPHABET[randomInt(USER_CODE_ALPHABET.length)] ?? 'B';
  const chars = Array.from({ length: 8 }, pick).join('');
  return `${chars.slice(0, 4)}-${chars.slice(4)}`;
}

/** "bcdf ghjk", "BCDFGHJK" and "BCDF-GHJK" are the same code. */
export function normaliseUserCode(code: string): string {
  const compact = code.toUpperCase().replace(/[^A-Z]/g, '');
  return compact.length === 8 ? `${compact.slice(0, 4)}-${compact.slice(4)}` : code.toUpperCase();
}

export class DeviceCodes {
  private readonly byUser = new Map<string, DeviceRecord>();
  private readonly byDeviceHash = new Map<string, DeviceRecord>();

  issue(clientId: string, email: string | null, nowMs: number, expiresInSeconds: number, intervalSeconds: number): { deviceCode: string; record: DeviceRecord } {
    let userCode = newUserCode();
    while (this.byUser.has(userCode)) userCode = newUserCode();
    const deviceCode = randomBytes(32).toString('base64url');
    const record: DeviceRecord = {
      userCode,
      clientId,
      email,
      expiresAtMs: nowMs + expiresInSeconds * 1000,
      intervalSeconds,
      status: 'pending',
      approverId: null,
      lastPollMs: null,
    };
    this.byUser.set(userCode, record);
    this.byDeviceHash.set(hashKey(deviceCode), record);
    return { deviceCode, record };
  }

  byDeviceCode(deviceCode: string): DeviceRecord | undefined {
    return this.byDeviceHash.get(hashKey(deviceCode));
  }

  byUserCode(userCode: string): DeviceRecord | undefined {
    return this.byUser.get(normaliseUserCode(userCode));
  }

  status(record: DeviceRecord, nowMs: number): DeviceCodeView['status'] {
    return record.status === 'pending' && nowMs >= record.expiresAtMs ? 'expired' : record.status;
  }

  view(record: DeviceRecord, nowMs: number): DeviceCodeView {
    return {
      user_code: record.userCode,
      client_id: record.clientId,
      email: record.email,
      status: this.status(record, nowMs),
      expires_at: new Date(record.expiresAtMs).toISOString(),
      interval: record.intervalSeconds,
    };
  }

  list(nowMs: number): DeviceCodeView[] {
    return [...this.byUser.values()].map((record) => this.view(record, nowMs));
  }
}
