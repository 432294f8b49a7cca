import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { Counter, Histogram, Registry } from 'prom-client';
import { eventually, freePort } from '@platform/service-kit/testing';

/** The binary `yarn infra` runs (packages/local-infra/src/servers/prometheus.ts: the Debian package's). */
export const PROMETHEUS_BIN = process.env.PROMETHEUS_BIN ?? '/usr/bin/prometheus';

/**
 * A stand-in for the recommendation service's metrics: `recommendation_request_duration_seconds{variant,
 * model_version}` with the service's buckets and the kit's `http_requests_total`, labelled
 * `service="recommendation-service"` like the real registry. Traffic is simulated every 100 ms; `latencyMs`
 * per variant says how slow each variant answers.
 */
export async function startFakeRecommender(latencyMs: Record<string, number>) {
  const registry = new Registry();
  registry.setDefaultLabels({ service: 'recommendation-service' });
  const duration = new Histogram({
    name: 'recommendation_request_duration_seconds',
    help: 'test',
    labelNames: ['variant', 'model_version'] as const,
    buckets: [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.015, 0.025, 0.05, 0.1, 0.25, 1],
    registers: [registry],
  });
  const requests = new Counter({
    name: 'http_requests_total',
    help: 'test',
    labelNames: ['route', 'method', 'status'] as const,
    registers: [registry],
  });
  const traffic = setInterval(() => {
    for (const [variant, ms] of Object.entries(latencyMs)) {
      for (let i = 0; i < 20; i++) {
        duration.observe({ variant, model_version: variant === 'control' ? '1' : '2' }, (ms * (0.8 + 0.4 * Math.random())) / 1000);
        requests.inc({ route: '/recommendations', method: 'GET', status: '200' });
      }
    }
  }, 100);
  const server = http.createServer(async (_req, res) => {
    res.setHeader('content-type', registry.contentType);
    res.end(await registry.metrics());
  });
  const port = await freePort();
  await new Promise<void>(resolve => server.listen(port, '127.0.0.1', resolve));
  return {
    target: `127.0.0.1:${port}`,
    latencyMs,
    async stop() {
      clearInterval(traffic);
      await new Promise(resolve => server.close(resolve));
    },
  };
}

/** A Prometheus of the test's own on a free port, scraping `targets` every second; stop() kills it by PID. */
export async function startPrometheus(targets: string[]) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ab-testing-prometheus-'));
  const port = await freePort();
  const config = [
    'global:',
    '  scrape_interval: 1s',
    '  evaluation_interval: 1s',
    'scrape_configs:',
    '  - job_name: recommender',
    '    static_configs:',
    `      - targets: [${targets.map(t => `'${t}'`).join(', ')}]`,
  ].join('\n');
  fs.writeFileSync(path.join(dir, 'prometheus.yml'), config);
  const child: ChildProcess = spawn(
    PROMETHEUS_BIN,
    [
      `--config.file=${path.join(dir, 'prometheus.yml')}`,
      `--storage.tsdb.path=${path.join(dir, 'data')}`,
      `--web.listen-address=127.0.0.1:${port}`,
      '--log.level=warn',
    ],
    { stdio: ['ignore', 'ignore', 'pipe'] },
  );
  let stderr = '';
  child.stderr?.on('data', chunk => (stderr = (stderr + chunk).slice(-4000)));
  const url = `http://127.0.0.1:${port}`;
  const stop = async () => {
    if (child.exitCode === null && child.pid) {
      const exited = new Promise(resolve => child.once('exit', resolve));
      process.kill(child.pid, 'SIGTERM');
      await Promise.race([exited, new Promise(resolve => setTimeout(resolve, 5_000))]);
      if (child.exitCode === null) process.kill(child.pid, 'SIGKILL');
    }
    fs.rmSync(dir, { recursive: true, force: true });
  };
  try {
    await eventually(
      async () => {
        if (child.exitCode !== null) throw new Error(`prometheus exited ${child.exitCode}: ${stderr}`);
        return (await fetch(`${url}/-/ready`)).ok ? true : undefined;
      },
      30_000,
      'prometheus ready',
      200,
    );
  } catch (error) {
    await stop();
    throw error;
  }
  return { url, pid: child.pid!, stop };
}
