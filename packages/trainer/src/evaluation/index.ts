export * from './metrics';
export * from './topK';
export * from './splits';
export * from './evaluate';
export * from './popularity';
export * from './random';
