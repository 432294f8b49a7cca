import SwaggerParser from '@apidevtools/swagger-parser';
import Ajv2020 from 'ajv/dist/2020';
import addFormats from 'ajv-formats';
import type { OpenApiDocument } from '../contracts';

const METHODS = [
  'get',
  'put',
  'post',
  'delete',
  'patch',
  'head',
  'options',
  'trace',
];
const PROBLEM_JSON = 'application/problem+json';

type Json = Record<string, any>;

/** Validates the document against the OpenAPI 3.1 specification schema. */
export async function specProblems(doc: OpenApiDocument): Promise<string[]> {
  if (!/^3\.1\.\d+$/.test(String(doc.openapi))) {
    return [`openapi is ${doc.openapi}, expected 3.1.x`];
  }
  try {
    // The parser dereferences in place, so it gets a copy.
    await SwaggerParser.validate(structuredClone(doc) as any);
    return [];
  } catch (e) {
    return [(e as Error).message];
  }
}

function deref(doc: Json, value: any): any {
  let current = value;
  for (let hops = 0; current && typeof current.$ref === 'string'; hops++) {
    const ref: string = current.$ref;
    if (!ref.startsWith('#/') || hops > 10) return current;
    current = ref
      .slice(2)
      .split('/')
      .map(p => p.replace(/~1/g, '/').replace(/~0/g, '~'))
      .reduce((node: any, key) => node?.[key], doc);
  }
  return current;
}

interface Operation {
  where: string;
  op: Json;
  pathItem: Json;
}

/** Every operation of the document, as `METHOD /path`. */
export function operations(doc: OpenApiDocument): Operation[] {
  const result: Operation[] = [];
  for (const [path, pathItem] of Object.entries(doc.paths ?? {})) {
    for (const method of METHODS) {
      const op = (pathItem as Json)[method];
      if (op) {
        result.push({ where: `${method.toUpperCase()} ${path}`, op, pathItem });
      }
    }
  }
  return result;
}

/** Object schemas reachable through oneOf/anyOf that do not close additionalProperties. */
function openObjectSchemas(doc: Json, schema: any, at: string): string[] {
  const resolved = deref(doc, schema);
  if (!resolved || typeof resolved !== 'object') return [];
  const branches = [...(resolved.oneOf ?? []), ...(resolved.anyOf ?? [])];
  if (branches.length > 0) {
    return branches.flatMap((b: any, i: number) =>
      openObjectSchemas(doc, b, `${at}/oneOf/${i}`),
    );
  }
  if (resolved.type === 'object' && resolved.additionalProperties !== false) {
    return [at];
  }
  return [];
}

/**
 * The platform's contract rules: operationIds, problem+json errors, closed
 * request bodies, 401 on protected operations.
 */
export function conventionProblems(doc: OpenApiDocument): string[] {
  const problems: string[] = [];
  const ids = new Set<string>();
  const globalSecurity = (doc as Json).security ?? [];
  for (const { where, op } of operations(doc)) {
    if (!op.operationId) problems.push(`${where}: no operationId`);
    else if (ids.has(op.operationId)) {
      problems.push(`${where}: operationId ${op.operationId} is not unique`);
    } else ids.add(op.operationId);

    const responses: Json = op.responses ?? {};
    for (const [status, response] of Object.entries(responses)) {
      if (!/^[45]\d\d$/.test(status)) continue;
      const content = deref(doc, response)?.content ?? {};
      const types = Object.keys(content);
      if (types.length !== 1 || types[0] !== PROBLEM_JSON) {
        problems.push(
          `${where} ${status}: content must be only ${PROBLEM_JSON}, is ${
            types.join(', ') || 'empty'
          }`,
        );
        continue;
      }
      const schema = deref(doc, content[PROBLEM_JSON].schema);
      const problem = deref(doc, { $ref: '#/components/schemas/Problem' });
      const extendsProblem = (schema?.allOf ?? []).some(
        (s: any) => deref(doc, s) === problem,
      );
      if (schema !== problem && !extendsProblem) {
        problems.push(`${where} ${status}: schema is not the shared Problem`);
      }
    }

    const body = deref(doc, op.requestBody);
    const json = body?.content?.['application/json'];
    if (json) {
      for (const at of openObjectSchemas(doc, json.schema, 'requestBody')) {
        problems.push(`${where}: ${at} must set additionalProperties: false`);
      }
      if (!responses['400'])
        problems.push(`${where}: takes a body but has no 400`);
    }

    const security = op.security ?? globalSecurity;
    if (security.length > 0 && !responses['401']) {
      problems.push(`${where}: is protected but has no 401`);
    }
  }
  if (!deref(doc, { $ref: '#/components/schemas/Problem' })) {
    problems.push('components.schemas.Problem is missing');
  }
  return problems;
}

function rewriteRefs(value: any): any {
  if (Array.isArray(value)) return value.map(rewriteRefs);
  if (!value || typeof value !== 'object') return value;
  return Object.fromEntries(
    Object.entries(value).map(([k, v]) => [
      k,
      k === '$ref' && typeof v === 'string'
        ? v.replace(/^#\/components\/schemas\//, 'contract.json#/$defs/')
        : rewriteRefs(v),
    ]),
  );
}

/** A Schema Object outside components.schemas, where it is, and the object holding it. */
interface FoundSchema {
  at: string;
  schema: any;
  holder: Json;
}

function inlineSchemas(value: any, at: string, out: FoundSchema[]) {
  if (Array.isArray(value)) {
    value.forEach((v, i) => inlineSchemas(v, `${at}/${i}`, out));
    return;
  }
  if (!value || typeof value !== 'object') return;
  for (const [k, v] of Object.entries(value)) {
    if (k === 'schema' && v && typeof v === 'object') {
      out.push({ at, schema: v, holder: value });
    } else inlineSchemas(v, `${at}/${k}`, out);
  }
}

/**
 * Compiles every schema with Ajv (JSON Schema 2020-12, strict) the way the
 * services' validators will, and checks each example against its schema.
 */
export function schemaProblems(doc: OpenApiDocument): string[] {
  const ajv = new Ajv2020({
    strict: true,
    strictTypes: false,
    strictTuples: false,
    // 'then: {required: [productId]}' names a property declared beside it, which is valid.
    strictRequired: false,
    allowUnionTypes: true,
    allErrors: true,
    logger: false,
  });
  addFormats(ajv);
  ajv
    .addKeyword('discriminator')
    .addKeyword('xml')
    .addKeyword('externalDocs')
    .addKeyword('example');
  const problems: string[] = [];
  try {
    ajv.addSchema({
      $id: 'contract.json',
      $defs: rewriteRefs(doc.components?.schemas ?? {}),
    });
    ajv.getSchema('contract.json');
  } catch (e) {
    return [`components.schemas: ${(e as Error).message}`];
  }
  const found: FoundSchema[] = [];
  const { schemas: _componentSchemas, ...otherComponents } =
    doc.components ?? {};
  inlineSchemas({ paths: doc.paths, components: otherComponents }, '#', found);
  for (const { at, schema, holder } of found) {
    let validate;
    try {
      validate = ajv.compile(rewriteRefs(schema));
    } catch (e) {
      problems.push(`${at}: ${(e as Error).message}`);
      continue;
    }
    const examples: Array<[string, unknown]> = [];
    if (holder.example !== undefined)
      examples.push(['example', holder.example]);
    for (const [name, example] of Object.entries<any>(holder.examples ?? {})) {
      examples.push([`examples/${name}`, deref(doc, example)?.value]);
    }
    for (const [name, value] of examples) {
      if (!validate(value)) {
        problems.push(`${at}/${name}: ${ajv.errorsText(validate.errors)}`);
      }
    }
  }
  return problems;
}
