import Ajv2020 from 'ajv/dist/2020';
import addFormats from 'ajv-formats';
import { loadContract } from '@platform/catalog-validation';

type Json = Record<string, any>;

const escape = (segment: string) => segment.replace(/~/g, '~0').replace(/\//g, '~1');

/**
 * Checks HTTP answers against the response schemas of a contract in catalog-info/apis, so the tests fail
 * when the service and its published contract drift apart.
 */
export function contractChecker(name: string) {
  const doc = loadContract(name) as Json;
  const ajv = new Ajv2020({ strict: false, allErrors: true, allowUnionTypes: true });
  addFormats(ajv);
  ajv.addSchema({ ...doc, $id: 'contract.json' });

  const resolve = (pointer: string): { value: Json; pointer: string } => {
    let value: any = doc;
    for (const part of pointer.replace(/^#\//, '').split('/')) value = value[part.replace(/~1/g, '/').replace(/~0/g, '~')];
    return value?.$ref ? resolve(value.$ref) : { value, pointer };
  };

  /** Throws unless `body` is what the contract promises for this operation and status. */
  return (pathTemplate: string, method: string, response: { status: number; headers: Record<string, string>; body: unknown }) => {
    const operation = `#/paths/${escape(pathTemplate)}/${method.toLowerCase()}`;
    const declared = resolve(`${operation}/responses/${response.status}`);
    if (!declared.value) throw new Error(`${method} ${pathTemplate}: ${response.status} is not in the contract`);
    const mediaType = String(response.headers['content-type'] ?? '').split(';')[0];
    if (!declared.value.content?.[mediaType]) {
      throw new Error(`${method} ${pathTemplate} ${response.status}: ${mediaType} is not in the contract`);
    }
    const validate = ajv.compile({ $ref: `contract.json${declared.pointer}/content/${escape(mediaType)}/schema` });
    if (!validate(response.body)) {
      throw new Error(`${method} ${pathTemplate} ${response.status} breaks the contract: ${ajv.errorsText(validate.errors)}`);
    }
  };
}
