// Loads the official 1Claw OpenAPI 3.1 document and validates emulator
// responses against the schema declared for (operation, status). Deviations
// the emulator makes on purpose are listed in ./deviations.ts, not here.
import { existsSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import { Ajv2020, type ValidateFunction } from 'ajv/dist/2020';
import addFormats from 'ajv-formats';
import { allowedExtraField, deviationFor } from './deviations';

/** Why the contract stage of `npm test` did not run (the spec is not part of this repository). */
export const SPEC_MISSING = "set ONECLAW_OPENAPI_PATH to 1Claw's openapi.json (github.com/1clawAI/1claw-openapi-spec)";

/**
 * ONECLAW_OPENAPI_PATH when set (a wrong path then fails the suites), else ../shared beside the
 * repository — only there, so a clone never picks up a spec from some folder further up (in a
 * worktree, set ONECLAW_OPENAPI_PATH).
 */
export function specPath(): string {
  return process.env['ONECLAW_OPENAPI_PATH'] || path.resolve('../shared/1claw/openapi.json');
}

/** The spec the contract suites will use, or undefined when none is configured or beside the repository. */
export function locateSpec(): string | undefined {
  if (process.env['ONECLAW_OPENAPI_PATH']) return specPath();
  return existsSync(specPath()) ? specPath() : undefined;
}

type Json = Record<string, unknown>;

function isObject(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export interface Observed {
  /** "METHOD /template" */
  operation: string;
  status: number;
  contentType: string | null;
  body: unknown;
  text: string;
}

export class OpenApiSpec {
  private readonly ajv = new Ajv2020({ strict: false, allErrors: true, validateSchema: false });
  private readonly compiled = new Map<string, ValidateFunction>();
  private readonly doc: Json;

  constructor() {
    const file = specPath();
    // Never skip: a missing spec must fail the suite loudly.
    if (!existsSync(file)) {
      throw new Error(`OpenAPI spec not found at ${file}: ${SPEC_MISSING}.`);
    }
    const parsed: unknown = JSON.parse(readFileSync(file, 'utf8'));
    if (!isObject(parsed) || !isObject(parsed['paths']) || !isObject(parsed['components'])) {
      throw new Error(`${file} is not an OpenAPI document (no paths/components)`);
    }
    this.doc = parsed;
    addFormats(this.ajv);
    // Register the parts that hold schemas; `$ref`s inside resolve against this root.
    this.ajv.addSchema({ components: parsed['components'], paths: parsed['paths'] }, 'openapi.json');
  }

  /** JSON pointer ("#/components/...") -> node in the document. */
  private resolve(ref: string): unknown {
    let node: unknown = this.doc;
    for (const raw of ref.replace(/^#\//, '').split('/')) {
      const key = raw.replace(/~1/g, '/').replace(/~0/g, '~');
      node = isObject(node) ? node[key] : undefined;
    }
    if (node === undefined) throw new Error(`unresolvable $ref ${ref}`);
    return node;
  }

  private deref(node: unknown): unknown {
    let current = node;
    for (let hops = 0; hops < 10 && isObject(current) && typeof current['$ref'] === 'string'; hops += 1) {
      current = this.resolve(current['$ref']);
    }
    return current;
  }

  private operation(op: string): Json {
    const [method = '', template = ''] = op.split(' ');
    const pathItem = (this.doc['paths'] as Json)[template];
    const operation = isObject(pathItem) ? pathItem[method.toLowerCase()] : undefined;
    if (!isObject(operation)) throw new Error(`operation ${op} is not in the OpenAPI document`);
    return operation;
  }

  hasOperation(op: string): boolean {
    try {
      this.operation(op);
      return true;
    } catch {
      return false;
    }
  }

  /**
   * The declared response for (op, status): its media type and schema
   * pointer, or undefined when the spec does not declare that status.
   */
  declared(op: string, status: number): { mediaType: string | null; schemaRef: string | null } | undefined {
    const responses = this.operation(op)['responses'];
    const response = isObject(responses) ? this.deref(responses[String(status)]) : undefined;
    if (!isObject(response)) return undefined;
    const content = response['content'];
    if (!isObject(content)) return { mediaType: null, schemaRef: null };
    const [mediaType, media] = Object.entries(content)[0] ?? [];
    if (mediaType === undefined || !isObject(media)) return { mediaType: null, schemaRef: null };
    return { mediaType, schemaRef: this.pointerOf(op, status, mediaType, media['schema']) };
  }

  /** Inline schemas are addressed by their position in the document so Ajv can compile them by $ref. */
  private pointerOf(op: string, status: number, mediaType: string, schema: unknown): string {
    if (isObject(schema) && typeof schema['$ref'] === 'string') return schema['$ref'];
    const [method = '', template = ''] = op.split(' ');
    const escaped = template.replace(/~/g, '~0').replace(/\//g, '~1');
    return `#/paths/${escaped}/${method.toLowerCase()}/responses/${status}/content/${mediaType.replace(/\//g, '~1')}/schema`;
  }

  private validator(ref: string): ValidateFunction {
    let validate = this.compiled.get(ref);
    if (validate === undefined) {
      validate = this.ajv.compile({ $ref: `openapi.json${ref}` });
      this.compiled.set(ref, validate);
    }
    return validate;
  }

  /**
   * Returns a list of problems (empty = conforms). `used` collects the deviations this response
   * needed ("status <operation> <status>" / "field <field>"), so a suite can prove each is still needed.
   */
  check(observed: Observed, used?: Set<string>): string[] {
    const problems: string[] = [];
    const { operation, status } = observed;
    let expected = this.hasOperation(operation) ? this.declared(operation, status) : undefined;
    if (expected === undefined) {
      const deviation = deviationFor(operation, status);
      if (deviation === undefined) return [`${operation} answered ${status}, which the spec does not declare and no deviation allows`];
      used?.add(`status ${deviation.operation} ${deviation.status}`);
      expected = { mediaType: 'application/json', schemaRef: '#/components/schemas/ProblemDetails' };
    }
    if (expected.schemaRef === null) {
      // 204 has no body by definition; elsewhere a response without `content` leaves the body undescribed.
      if (status === 204 && observed.text.length > 0) problems.push(`${operation} ${status}: a 204 carries a body: ${observed.text.slice(0, 80)}`);
      if (status !== 204 && observed.text.length > 0 && observed.body === undefined) problems.push(`${operation} ${status}: body is not JSON: ${observed.text.slice(0, 80)}`);
      return problems;
    }
    const mediaType = (observed.contentType ?? '').split(';')[0]?.trim() ?? '';
    if (mediaType !== expected.mediaType) problems.push(`${operation} ${status}: content-type ${mediaType}, spec says ${expected.mediaType ?? 'none'}`);
    const validate = this.validator(expected.schemaRef);
    if (!validate(observed.body)) {
      problems.push(`${operation} ${status}: ${this.ajv.errorsText(validate.errors, { dataVar: 'body' })}`);
    }
    for (const extra of this.undeclaredFields(this.resolve(expected.schemaRef), observed.body, '$')) {
      if (!allowedExtraField(operation, status, extra)) problems.push(`${operation} ${status}: field ${extra} is not in the spec and not a documented extra`);
      else used?.add(`field ${extra}`);
    }
    return problems;
  }

  /** Fields the body carries that the schema does not declare (where it does not allow extras). */
  private undeclaredFields(schemaNode: unknown, value: unknown, at: string, depth = 0): string[] {
    const schema = this.deref(schemaNode);
    if (!isObject(schema) || depth > 12) return [];
    if (Array.isArray(value)) {
      return value.flatMap((item) => this.undeclaredFields(schema['items'], item, `${at}[]`, depth + 1));
    }
    if (!isObject(value) || !isObject(schema['properties'])) return [];
    const properties = schema['properties'];
    const extrasAllowed = schema['additionalProperties'] !== undefined && schema['additionalProperties'] !== false;
    const out: string[] = [];
    for (const [key, child] of Object.entries(value)) {
      if (key in properties) out.push(...this.undeclaredFields(properties[key], child, `${at}.${key}`, depth + 1));
      else if (!extrasAllowed) out.push(`${at}.${key}`);
    }
    return [...new Set(out)];
  }
}

// `node out/test/contract/openapi-spec.js`: prints the spec's path (exit 0) or why the contract
// cannot run (exit 3). test/run-all.sh uses it to report the contract stage as not run.
if (require.main === module) {
  const file = locateSpec();
  console.log(file ?? SPEC_MISSING);
  process.exitCode = file === undefined ? 3 : 0;
}
