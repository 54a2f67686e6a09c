import { Ajv2020 } from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';
import type { HttpResponse } from '../../../functions/http/types.ts';
import { bodyText } from './http-harness.ts';

export interface OpenApiDocument {
  openapi: string;
  servers?: Array<{ url: string }>;
  paths: Record<
    string,
    Record<string, { responses?: Record<string, { content?: Record<string, { schema: unknown }> }> }>
  >;
  components: unknown;
}

export /** An Ajv (JSON Schema 2020-12) that knows the document's components under its own id. */
function createValidator(document: OpenApiDocument) {
  const ajv = new Ajv2020({ allErrors: true, strict: true });
  addFormats.default(ajv);
  ajv.addKeyword('components');
  ajv.addSchema({ $id: 'https://storyfeed.test/openapi.json', components: document.components });
  /** The schema errors of a response against its documented schema (empty when it conforms). */
  return (pathKey: string, status: string, response: HttpResponse): string[] => {
    const operation = document.paths[pathKey]?.get;
    const media = operation?.responses?.[status]?.content ?? {};
    const contentType = (response.headers['content-type'] ?? '').split(';')[0] ?? '';
    const entry = media[contentType];
    if (!entry) return [`${pathKey} ${status}: ${contentType} is not documented`];
    const schema = JSON.parse(
      JSON.stringify(entry.schema).replaceAll(
        '"#/components/',
        '"https://storyfeed.test/openapi.json#/components/',
      ),
    );
    const validate = ajv.compile(schema);
    const text = bodyText(response);
    const body = contentType.endsWith('json') ? JSON.parse(text) : text;
    if (validate(body)) return [];
    return (validate.errors ?? []).map(
      (error) => `${pathKey} ${status}: ${error.instancePath} ${error.message}`,
    );
  };
}
