import '@testing-library/jest-dom';

// jsdom has no layout engine; recharts' ResponsiveContainer only needs the observer to exist.
class NoLayoutResizeObserver {
  observe() {}
  unobserve() {}
  disconnect() {}
}
globalThis.ResizeObserver ??=
  NoLayoutResizeObserver as unknown as typeof ResizeObserver;
