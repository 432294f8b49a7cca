/** A small OpenAPI 3.1 contract for the kit's own tests. */
export const widgetContract = {
  openapi: '3.1.0',
  info: { title: 'Widgets', version: '1.0.0' },
  paths: {
    '/widgets': {
      get: {
        operationId: 'listWidgets',
        parameters: [
          { name: 'limit', in: 'query', schema: { type: 'integer', minimum: 1, maximum: 100 } },
        ],
        responses: {
          '200': {
            description: 'widgets',
            content: {
              'application/json': {
                schema: { type: 'object', required: ['items'], properties: { items: { type: 'array', items: { $ref: '#/components/schemas/Widget' } } } },
              },
            },
          },
        },
      },
      post: {
        operationId: 'createWidget',
        requestBody: {
          required: true,
          content: { 'application/json': { schema: { $ref: '#/components/schemas/NewWidget' } } },
        },
        responses: {
          '201': { description: 'created', content: { 'application/json': { schema: { $ref: '#/components/schemas/Widget' } } } },
          '400': { $ref: '#/components/responses/Problem' },
        },
      },
    },
    '/widgets/{id}': {
      get: {
        operationId: 'getWidget',
        parameters: [{ name: 'id', in: 'path', required: true, schema: { type: 'string', format: 'uuid' } }],
        responses: {
          '200': { description: 'a widget', content: { 'application/json': { schema: { $ref: '#/components/schemas/Widget' } } } },
          '404': { $ref: '#/components/responses/Problem' },
        },
      },
    },
  },
  components: {
    responses: {
      Problem: { description: 'problem', content: { 'application/problem+json': { schema: { $ref: '#/components/schemas/Problem' } } } },
    },
    schemas: {
      NewWidget: {
        type: 'object',
        additionalProperties: false,
        required: ['name', 'size'],
        properties: { name: { type: 'string', minLength: 1 }, size: { type: 'integer', minimum: 1 } },
      },
      Widget: {
        type: 'object',
        required: ['id', 'name', 'size'],
        properties: { id: { type: 'string', format: 'uuid' }, name: { type: 'string' }, size: { type: 'integer' } },
      },
      Problem: {
        type: 'object',
        required: ['type', 'title', 'status'],
        properties: { type: { type: 'string' }, title: { type: 'string' }, status: { type: 'integer' }, detail: { type: 'string' }, instance: { type: 'string' }, errors: { type: 'array' } },
      },
    },
  },
};
