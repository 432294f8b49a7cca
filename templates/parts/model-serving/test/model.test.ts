import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseModel } from '../src/model.js';

const file = (model: unknown) => Buffer.from(JSON.stringify(model));
const linear = { format: 'linear-v1', features: ['price', 'clicks'], weights: [0.5, -2], bias: 1 };

test('predicts bias + the weighted sum of the features', () => {
  const model = parseModel('demand', '3', file(linear));
  assert.deepEqual(model.features, ['price', 'clicks']);
  // 1 + 0.5 * 4 - 2 * 0.25
  assert.equal(model.predict({ price: 4, clicks: 0.25 }), 2.5);
});

for (const [why, content, reason, message] of [
  ['not JSON', Buffer.from('{"format":'), 'unparsable', /model.json is not JSON/],
  ['another format', file({ ...linear, format: 'onnx' }), 'wrong_format', /format "onnx", this service loads linear-v1/],
  ['a weight short', file({ ...linear, weights: [0.5] }), 'wrong_format', /weights is not 2 finite numbers/],
  ['a non-finite bias', Buffer.from('{"format":"linear-v1","features":["a"],"weights":[1],"bias":"x"}'), 'wrong_format', /bias is not a finite number/],
  ['a repeated feature', file({ ...linear, features: ['price', 'price'] }), 'wrong_format', /features repeats a name/],
] as const) {
  test(`refuses a model file with ${why}`, () => {
    assert.throws(() => parseModel('demand', '3', content), (error: Error & { reason?: string }) => {
      assert.equal(error.reason, reason);
      assert.match(error.message, message);
      return true;
    });
  });
}
