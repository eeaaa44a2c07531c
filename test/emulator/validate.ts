// Field readers for JSON request bodies. Each throws a 400 problem whose
// detail names the offending field, before any state is touched.
import { isRecord } from './jwt';
import { badRequest } from './problems';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export function isUuid(value: string): boolean {
  return UUID.test(value);
}

export function isEmail(value: string): boolean {
  return /^[^\s@]+@[^\s@]+$/.test(value);
}

export class Fields {
  constructor(private readonly body: Record<string, unknown>) {}

  static of(body: unknown): Fields {
    if (!isRecord(body)) throw badRequest('Request body must be a JSON object');
    return new Fields(body);
  }

  names(): string[] {
    return Object.keys(this.body);
  }

  has(name: string): boolean {
    return this.body[name] !== undefined;
  }

  private present(name: string): unknown {
    return this.body[name];
  }

  requiredString(name: string): string {
    const value = this.present(name);
    if (value === undefined || value === null) throw badRequest(`Missing required field: ${name}`);
    if (typeof value !== 'string') throw badRequest(`Field '${name}' must be a string`);
    if (value.trim().length === 0) throw badRequest(`Field '${name}' must not be empty`);
    return value;
  }

  /** Like requiredString but allows "" (secret values may be empty). */
  requiredStringAllowEmpty(name: string): string {
    const value = this.present(name);
    if (value === undefined || value === null) throw badRequest(`Missing required field: ${name}`);
    if (typeof value !== 'string') throw badRequest(`Field '${name}' must be a string`);
    return value;
  }

  optionalString(name: string): string | undefined {
    const value = this.present(name);
    if (value === undefined) return undefined;
    if (typeof value !== 'string') throw badRequest(`Field '${name}' must be a string`);
    return value;
  }

  nullableString(name: string): string | null | undefined {
    return this.present(name) === null ? null : this.optionalString(name);
  }

  optionalBoolean(name: string): boolean | undefined {
    const value = this.present(name);
    if (value === undefined) return undefined;
    if (typeof value !== 'boolean') throw badRequest(`Field '${name}' must be a boolean`);
    return value;
  }

  optionalInteger(name: string, min: number): number | undefined {
    const value = this.present(name);
    if (value === undefined) return undefined;
    if (typeof value !== 'number' || !Number.isInteger(value)) throw badRequest(`Field '${name}' must be an integer`);
    if (value < min) throw badRequest(`Field '${name}' must be at least ${min}`);
    return value;
  }

  nullableInteger(name: string, min: number): number | null | undefined {
    return this.present(name) === null ? null : this.optionalInteger(name, min);
  }

  optionalObject(name: string): Record<string, unknown> | undefined {
    const value = this.present(name);
    if (value === undefined) return undefined;
    if (!isRecord(value)) throw badRequest(`Field '${name}' must be an object`);
    return value;
  }

  nullableObject(name: string): Record<string, unknown> | null | undefined {
    return this.present(name) === null ? null : this.optionalObject(name);
  }

  optionalStringArray(name: string): string[] | undefined {
    const value = this.present(name);
    if (value === undefined) return undefined;
    if (!Array.isArray(value) || !value.every((item): item is string => typeof item === 'string')) {
      throw badRequest(`Field '${name}' must be an array of strings`);
    }
    return value;
  }

  requiredStringArray(name: string): string[] {
    if (this.present(name) === undefined || this.present(name) === null) throw badRequest(`Missing required field: ${name}`);
    return this.optionalStringArray(name) ?? [];
  }

  optionalUuidArray(name: string): string[] | undefined {
    const value = this.optionalStringArray(name);
    const bad = value?.find((item) => !isUuid(item));
    if (bad !== undefined) throw badRequest(`Field '${name}' must contain UUIDs`);
    return value;
  }

  optionalEnum<T extends string>(name: string, allowed: readonly T[]): T | undefined {
    const value = this.optionalString(name);
    if (value === undefined) return undefined;
    const match = allowed.find((candidate) => candidate === value);
    if (match === undefined) throw badRequest(`Field '${name}' must be one of: ${allowed.join(', ')}`);
    return match;
  }

  /** RFC 3339 date-time, returned normalised to ISO-8601 UTC. */
  optionalDateTime(name: string): string | undefined {
    const value = this.optionalString(name);
    if (value === undefined) return undefined;
    if (!/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/i.test(value) || Number.isNaN(Date.parse(value))) {
      throw badRequest(`Field '${name}' must be an RFC 3339 date-time`);
    }
    return new Date(value).toISOString();
  }

  nullableDateTime(name: string): string | null | undefined {
    return this.present(name) === null ? null : this.optionalDateTime(name);
  }
}

/** Same rule for query parameters (audit from/to). */
export function queryDateTime(name: string, value: string | null): number | undefined {
  if (value === null || value === '') return undefined;
  const parsed = Date.parse(value);
  if (Number.isNaN(parsed)) throw badRequest(`Query parameter '${name}' must be an RFC 3339 date-time`);
  return parsed;
}

export function queryInteger(name: string, value: string | null, fallback: number, min: number, max: number): number {
  if (value === null || value === '') return fallback;
  if (!/^\d+$/.test(value)) throw badRequest(`Query parameter '${name}' must be a non-negative integer`);
  const parsed = Number(value);
  if (parsed < min || parsed > max) throw badRequest(`Query parameter '${name}' must be between ${min} and ${max}`);
  return parsed;
}
