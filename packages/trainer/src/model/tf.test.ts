import { tf } from './tf';

describe('tfjs-node', () => {
  it('runs on the native TensorFlow backend', () => {
    expect(tf.getBackend()).toBe('tensorflow');
    // [1 2] x [3 4]^T = 1*3 + 2*4 = 11
    expect(Array.from(tf.matMul(tf.tensor2d([[1, 2]]), tf.tensor2d([[3], [4]])).dataSync())).toEqual([11]);
  });
});
