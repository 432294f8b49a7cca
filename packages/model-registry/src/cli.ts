import { userInfo } from 'node:os';
import { parseArgs } from 'node:util';
import { openModelRegistry } from './config';
import type { HistoryEntry } from './history';
import { RegistryPreconditionError } from './registry';

const HELP = `yarn workspace @platform/model-registry registry <command> [options]

  nominate     --version <v> --reason <why> [--evidence <json>] makes a registered version the challenger
  promote      --reason <why> [--version <v>, default: the challenger] [--evidence <json>]
  demote       --reason <why> [--evidence <json>]            removes the challenger
  rollback     --reason <why> [--evidence <json>]            champion back to previous-champion
  history      [--limit 20] [--json]                          the model's operations, newest first
  champion-at  --at <ISO time>                                the champion at that time, by the history
  aliases                                                     champion, challenger, previous-champion now

  common: --model <name> (default recommendation-ranker) --actor <who> (default user:<login>)
  settings: MLFLOW_TRACKING_URI, MODEL_REGISTRY_DATABASE_URL or DATABASE_URL (docs/model-registry.md)
Exit status: 0 done, 2 a precondition failed (nothing changed), 1 any other error.`;

function describe(entry: HistoryEntry): string {
  const aliases = (s: HistoryEntry['after']) =>
    `champion=${s.champion ?? '-'} challenger=${s.challenger ?? '-'} previous-champion=${s['previous-champion'] ?? '-'}`;
  return `#${entry.id} ${entry.at.toISOString()} ${entry.action} v${entry.version} by ${entry.actor}: ${entry.reason}\n    after: ${aliases(entry.after)}`;
}

async function main(argv: string[]) {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      model: { type: 'string', default: 'recommendation-ranker' },
      version: { type: 'string' },
      actor: { type: 'string', default: `user:${userInfo().username}` },
      reason: { type: 'string' },
      evidence: { type: 'string' },
      at: { type: 'string' },
      limit: { type: 'string', default: '20' },
      json: { type: 'boolean', default: false },
      help: { type: 'boolean', default: false },
    },
  });
  const command = positionals[0];
  if (values.help || !command) {
    console.log(HELP);
    return;
  }
  const commands = ['nominate', 'promote', 'demote', 'rollback', 'history', 'champion-at', 'aliases'];
  if (!commands.includes(command)) throw new Error(`unknown command ${command}\n\n${HELP}`);
  let evidence: unknown = {};
  if (values.evidence) {
    try {
      evidence = JSON.parse(values.evidence);
    } catch {
      throw new Error('--evidence must be JSON');
    }
  }
  const opened = await openModelRegistry();
  try {
    const { registry } = opened;
    const model = values.model!;
    const operation = { model, actor: values.actor!, reason: values.reason ?? '', evidence };
    if (command === 'nominate') {
      if (!values.version) throw new Error('nominate needs --version <v>');
      console.log(describe(await registry.nominate({ ...operation, version: values.version })));
    }
    if (command === 'promote') console.log(describe(await registry.promote({ ...operation, version: values.version })));
    if (command === 'demote') console.log(describe(await registry.demote(operation)));
    if (command === 'rollback') console.log(describe(await registry.rollback(operation)));
    if (command === 'aliases') console.log(JSON.stringify(await registry.aliases(model)));
    if (command === 'history') {
      const entries = await registry.history.list(model, { limit: Number(values.limit) });
      if (values.json) console.log(JSON.stringify(entries, null, 2));
      else entries.forEach(entry => console.log(describe(entry)));
      if (!entries.length && !values.json) console.log(`no registry operations on ${model} yet`);
    }
    if (command === 'champion-at') {
      if (!values.at || Number.isNaN(Date.parse(values.at))) throw new Error('--at <ISO time> is required');
      const found = await registry.championAt(model, new Date(values.at));
      if (!found) console.log(`${model} had no registry operation at or before ${values.at}`);
      else console.log(`${model} champion at ${values.at}: ${found.version ?? 'none'} (since ${describe(found.entry)})`);
    }
  } finally {
    await opened.close();
  }
}

main(process.argv.slice(2)).catch(error => {
  if (error instanceof RegistryPreconditionError) {
    console.error(`${error.code}: ${error.message}`);
    process.exit(2);
  }
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
