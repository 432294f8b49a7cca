import fs from 'node:fs';
import path from 'node:path';
import { expect } from '@playwright/test';

/** One event of Backstage's auditor as the portal logs it (JSON lines, `isAuditEvent: true`). */
export interface AuditEvent {
  eventId: string;
  status: 'initiated' | 'succeeded' | 'failed';
  plugin?: string;
  meta?: Record<string, unknown>;
  error?: unknown;
  [key: string]: unknown;
}

/**
 * The portal's log: `.state/run/portal.log` when ./idp started it (scripts/lib/processes.sh), or PORTAL_LOG for a
 * portal started some other way.
 */
const portalLog = () => process.env.PORTAL_LOG ?? path.resolve(__dirname, '../../.state/run/portal.log');

export function auditEvents(): AuditEvent[] {
  const file = portalLog();
  if (!fs.existsSync(file)) throw new Error(`no portal log at ${file}: set PORTAL_LOG to the log of the portal under test`);
  return fs
    .readFileSync(file, 'utf8')
    .split('\n')
    .filter(line => line.includes('"isAuditEvent":true'))
    .map(line => {
      try {
        return JSON.parse(line) as AuditEvent;
      } catch {
        return undefined;
      }
    })
    .filter((event): event is AuditEvent => event !== undefined);
}

/** Waits until the portal has logged an audit event that matches (the logger writes asynchronously). */
export async function expectAuditEvent(what: string, matches: (event: AuditEvent) => boolean): Promise<AuditEvent> {
  let found: AuditEvent | undefined;
  await expect
    .poll(
      () => {
        found = auditEvents().find(matches);
        return found !== undefined;
      },
      { message: `the portal audits ${what}`, timeout: 10_000 },
    )
    .toBe(true);
  return found!;
}
