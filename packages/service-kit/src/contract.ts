import Ajv2020, { ErrorObject, ValidateFunction } from 'ajv/dist/2020';
import addFormats from 'ajv-formats';
import { loadContract, OpenApiDocument } from '@platform/catalog-validation';
import { FieldProblem } from './errors';

const METHODS = ['get', 'put', 'post', 'delete', 'patch', 'head', 'options'] as const;

type Json = Record<string, any>;

export interface MatchedOperation {
  /** the OpenAPI path template, e.g. /users/{id}; used as the metrics route label */
  template: string;
  method: string;
  operation: Json;
  params: Record<string, string>;
  pointer: string;
}

interface CompiledPath {
  template: string;
  regex: RegExp;
  names: string[];
  /** static segments first, so /products/stock wins over /products/{id} */
  specificity: number;
}

const escapePointer = (s: string) => s.replace(/~/g, '~0').replace(/\//g, '~1');

/** An OpenAPI 3.1 contract compiled once: operation lookup, request and response validation. */
export class Contract {
  private readonly paths: CompiledPath[];
  private readonly strict: Ajv2020;
  private readonly coercing: Ajv2020;
  private readonly cache = new Map<string, ValidateFunction>();

  static load(apiName: string): Contract {
    return new Contract(loadContract(apiName) as unknown as Json);
  }

  constructor(readonly document: Json) {
    const build = (coerce: boolean) => {
      const ajv = new Ajv2020({
        strict: false,
        allErrors: true,
        coerceTypes: coerce ? 'array' : false,
        validateSchema: false,
      });
      addFormats(ajv);
      ajv.addSchema(document as OpenApiDocument & object, 'contract');
      return ajv;
    };
    this.strict = build(false);
    this.coercing = build(true);
    this.paths = Object.keys(document.paths ?? {})
      .map(template => {
        const names: string[] = [];
        const source = template
          .split('/')
          .map(segment =>
            segment.replace(/\{([^}]+)\}|[^{}]+/g, (part, name) => {
              if (name) {
                names.push(name);
                return '([^/]+)';
              }
              return part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
            }),
          )
          .join('/');
        const specificity = template.split('/').filter(s => s && !s.includes('{')).length;
        return { template, regex: new RegExp(`^${source}/?$`), names, specificity };
      })
      .sort((a, b) => b.specificity - a.specificity || a.names.length - b.names.length);
  }

  match(method: string, path: string): MatchedOperation | undefined {
    const verb = method.toLowerCase();
    for (const candidate of this.paths) {
      const m = candidate.regex.exec(path);
      if (!m) continue;
      const item = this.document.paths[candidate.template];
      const operation = item?.[verb];
      if (!operation) continue;
      const params: Record<string, string> = {};
      candidate.names.forEach((name, i) => {
        params[name] = decodeURIComponent(m[i + 1]);
      });
      return {
        template: candidate.template,
        method: verb,
        operation,
        params,
        pointer: `#/paths/${escapePointer(candidate.template)}/${verb}`,
      };
    }
    return undefined;
  }

  /**
   * Whether the operation needs a bearer token: its `security` (else the document's) names an HTTP bearer scheme and
   * offers no anonymous alternative (`{}`).
   */
  requiresBearer(match: MatchedOperation): boolean {
    const requirements: Json[] = match.operation.security ?? this.document.security ?? [];
    if (requirements.length === 0 || requirements.some(r => Object.keys(r).length === 0)) return false;
    const schemes = this.document.components?.securitySchemes ?? {};
    return requirements.every(r =>
      Object.keys(r).some(name => schemes[name]?.type === 'http' && String(schemes[name]?.scheme).toLowerCase() === 'bearer'),
    );
  }

  /** The template of any path the contract knows, whatever the method (for 405 and metrics labels). */
  templateOf(path: string): string | undefined {
    return this.paths.find(p => p.regex.test(path))?.template;
  }

  allowedMethods(template: string): string[] {
    const item = this.document.paths?.[template] ?? {};
    return METHODS.filter(m => item[m]).map(m => m.toUpperCase());
  }

  private validator(pointer: string, coerce: boolean): ValidateFunction {
    const key = `${coerce}:${pointer}`;
    let fn = this.cache.get(key);
    if (!fn) {
      const ajv = coerce ? this.coercing : this.strict;
      fn = ajv.compile({ $ref: `contract${pointer}` });
      this.cache.set(key, fn);
    }
    return fn;
  }

  private resolve(node: Json): Json {
    let current = node;
    while (current && typeof current.$ref === 'string' && current.$ref.startsWith('#/')) {
      current = current.$ref
        .slice(2)
        .split('/')
        .map((s: string) => s.replace(/~1/g, '/').replace(/~0/g, '~'))
        .reduce((acc: Json, key: string) => acc?.[key], this.document);
    }
    return current;
  }

  /** Checks parameters and body of a request; query values are coerced in place to their schema types. */
  validateRequest(
    match: MatchedOperation,
    request: { query: Record<string, unknown>; headers: Record<string, unknown>; body: unknown; hasBody: boolean },
  ): FieldProblem[] {
    // PostgreSQL (and most stores) cannot hold U+0000 in text: refused here once, for every service
    const problems: FieldProblem[] = nulCharacterProblems(match, request);
    const item = this.document.paths[match.template];
    const parameters: Json[] = [...(item.parameters ?? []), ...(match.operation.parameters ?? [])].map(p =>
      this.resolve(p),
    );
    for (const param of parameters) {
      const sources: Record<string, Record<string, unknown>> = {
        path: match.params,
        query: request.query,
        header: request.headers,
      };
      const source = sources[param.in];
      if (!source) continue;
      const key = param.in === 'header' ? String(param.name).toLowerCase() : param.name;
      const value = source[key];
      if (value === undefined) {
        if (param.required) problems.push({ parameter: param.name, message: `${param.in} parameter is required` });
        continue;
      }
      if (!param.schema) continue;
      // wrapped in an object so that coercion (query strings to numbers, arrays) can write the value back
      const holder = { value };
      const validate = this.parameterValidator(`${match.template}|${param.in}|${param.name}`, param.schema);
      if (validate(holder)) {
        source[key] = holder.value;
      } else {
        for (const e of validate.errors ?? []) {
          problems.push({ parameter: param.name, message: describe(e) });
        }
      }
    }
    const body = match.operation.requestBody && this.resolve(match.operation.requestBody);
    const media = body?.content?.['application/json'];
    // bodies of other media types (CSV, Parquet uploads) are the route's to read and check
    if (body && media) {
      if (!request.hasBody) {
        if (body.required) problems.push({ pointer: '/', message: 'a JSON request body is required' });
      } else if (media.schema) {
        const validate = this.validator(`${match.pointer}/requestBody/content/application~1json/schema`, false);
        if (!validate(request.body)) {
          for (const e of validate.errors ?? []) problems.push({ pointer: pointerOf(e), message: describe(e) });
        }
      }
    }
    return problems;
  }

  /** Problems of a response against the contract (used by contract tests). */
  validateResponse(
    match: MatchedOperation,
    response: { status: number; contentType?: string; body: unknown },
  ): string[] {
    const responses = match.operation.responses ?? {};
    const code = String(response.status);
    const key = [code, `${code[0]}XX`, 'default'].find(k => responses[k]);
    if (!key) return [`${match.method.toUpperCase()} ${match.template}: status ${code} is not in the contract`];
    return this.checkResponse(`${match.pointer}/responses/${key}`, `${match.template} ${code}`, response);
  }

  /**
   * Problems of a response against a reusable response of `components.responses` (e.g. the gateway's
   * GatewayTimeout, which the gateway adds to every routed path and so belongs to no single operation).
   */
  validateComponentResponse(name: string, response: { status: number; contentType?: string; body: unknown }): string[] {
    if (!this.document.components?.responses?.[name]) return [`the contract has no components.responses.${name}`];
    return this.checkResponse(`#/components/responses/${escapePointer(name)}`, `${name} ${response.status}`, response);
  }

  private checkResponse(
    responsePointer: string,
    label: string,
    response: { status: number; contentType?: string; body: unknown },
  ): string[] {
    const declared = this.resolve({ $ref: responsePointer });
    const content = declared.content ?? {};
    const mediaTypes = Object.keys(content);
    if (mediaTypes.length === 0) {
      return response.body === undefined || response.body === '' || (typeof response.body === 'object' && response.body !== null && Object.keys(response.body).length === 0)
        ? []
        : [`${label}: the contract declares no body`];
    }
    const type = (response.contentType ?? '').split(';')[0].trim();
    const mediaType = mediaTypes.find(m => m === type) ?? (mediaTypes.length === 1 && type === '' ? mediaTypes[0] : undefined);
    if (!mediaType) return [`${label}: content type ${type || '(none)'} is not one of ${mediaTypes.join(', ')}`];
    if (!content[mediaType].schema) return [];
    // a response declared by $ref is validated where it is defined, so its schema's own $refs resolve
    const definedAt = this.definitionPointer(responsePointer);
    const validate = this.validator(`${definedAt}/content/${escapePointer(mediaType)}/schema`, false);
    if (validate(response.body)) return [];
    return (validate.errors ?? []).map(e => `${label} ${pointerOf(e)}: ${describe(e)}`);
  }

  /** Follows a chain of $refs from a pointer to where the object is defined. */
  private definitionPointer(pointer: string): string {
    let current = pointer;
    for (;;) {
      const node = current
        .slice(2)
        .split('/')
        .map(s => s.replace(/~1/g, '/').replace(/~0/g, '~'))
        .reduce((acc: Json, key: string) => acc?.[key], this.document);
      if (!node || typeof node.$ref !== 'string' || !node.$ref.startsWith('#/')) return current;
      current = node.$ref;
    }
  }

  private parameterValidator(key: string, schema: Json): ValidateFunction {
    let fn = this.cache.get(key);
    if (!fn) {
      fn = this.coercing.compile({ type: 'object', properties: { value: this.inline(schema) } });
      this.cache.set(key, fn);
    }
    return fn;
  }

  private inline(schema: Json): Json {
    // parameter schemas may $ref components: point them into the registered contract document
    return JSON.parse(JSON.stringify(schema).replace(/"\$ref":"#\//g, '"$ref":"contract#/'));
  }
}

const NUL_MESSAGE = 'must not contain the NUL character (U+0000)';
const hasNul = (value: unknown) => typeof value === 'string' && value.includes('\u0000');

/** Every path, query and header value and every JSON string (member names too) of a request holding U+0000. */
function nulCharacterProblems(
  match: MatchedOperation,
  request: { query: Record<string, unknown>; headers: Record<string, unknown>; body: unknown; hasBody: boolean },
): FieldProblem[] {
  const problems: FieldProblem[] = [];
  const parameters = (values: Record<string, unknown>) => {
    for (const [name, value] of Object.entries(values)) {
      if ((Array.isArray(value) ? value : [value]).some(hasNul)) problems.push({ parameter: name, message: NUL_MESSAGE });
    }
  };
  parameters(match.params);
  parameters(request.query);
  parameters(request.headers);
  const visit = (value: unknown, pointer: string) => {
    if (hasNul(value)) {
      problems.push({ pointer: pointer || '/', message: NUL_MESSAGE });
    } else if (Array.isArray(value)) {
      value.forEach((item, i) => visit(item, `${pointer}/${i}`));
    } else if (value !== null && typeof value === 'object') {
      for (const [key, item] of Object.entries(value)) {
        const at = `${pointer}/${escapePointer(key)}`;
        if (hasNul(key)) problems.push({ pointer: at, message: NUL_MESSAGE });
        else visit(item, at);
      }
    }
  };
  if (request.hasBody) visit(request.body, '');
  return problems;
}

function pointerOf(e: ErrorObject): string {
  if (e.keyword === 'additionalProperties') {
    return `${e.instancePath}/${(e.params as { additionalProperty: string }).additionalProperty}`;
  }
  if (e.keyword === 'required') {
    return `${e.instancePath}/${(e.params as { missingProperty: string }).missingProperty}`;
  }
  return e.instancePath || '/';
}

function describe(e: ErrorObject): string {
  if (e.keyword === 'additionalProperties') return 'is not a known field';
  if (e.keyword === 'required') return 'is required';
  return e.message ?? 'is invalid';
}
