export const formatMs = (seconds: number | null) =>
  seconds === null
    ? '–'
    : `${(seconds * 1000).toFixed(seconds < 0.01 ? 1 : 0)} ms`;
export const formatRate = (perSecond: number | null) =>
  perSecond === null
    ? '–'
    : `${perSecond >= 10 ? perSecond.toFixed(0) : perSecond.toFixed(2)} req/s`;
export const formatRatio = (ratio: number | null) =>
  ratio === null ? '–' : `${(ratio * 100).toFixed(ratio < 0.01 ? 2 : 1)} %`;
export const formatTime = (ms: number) =>
  new Date(ms).toLocaleTimeString(undefined, {
    hour: '2-digit',
    minute: '2-digit',
  });
