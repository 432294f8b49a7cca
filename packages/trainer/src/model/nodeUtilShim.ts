import util from 'node:util';

// tfjs-node 4.22 still calls util.isNullOrUndefined (and util.isArray), which Node 23 removed: put them back
// before it loads. Imported first by ./tf.ts, nowhere else.
const legacy = util as unknown as Record<string, unknown>;
legacy.isNullOrUndefined ??= (value: unknown) => value === null || value === undefined;
legacy.isArray ??= Array.isArray;
// libtensorflow's start-up banner (oneDNN, CPU features) on every load is noise in the trainer's output
process.env.TF_CPP_MIN_LOG_LEVEL ??= '2';
