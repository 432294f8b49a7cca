import { loadInfraEnv } from '@platform/local-infra';
import { testDatabase, TestDatabase } from '@platform/service-kit/testing';
import { HistoryEntry } from './history';
import { MlflowClient } from './MlflowClient';
import { ModelRegistry, RegistryPreconditionError, TAG_EVIDENCE_MAX } from './registry';

// Against the real tracking server and PostgreSQL of `yarn infra`, with a database and model names of its own.
const infra = loadInfraEnv();
const mlflow = new MlflowClient(infra.MLFLOW_TRACKING_URI);
const suffix = `${Date.now()}-${Math.floor(Math.random() * 1e6)}`;
const models: string[] = [];
let db: TestDatabase;
let registry: ModelRegistry;
let experimentId: string;

/** A registered model with `count` versions (1..count), each backed by a run, and no aliases. */
async function modelWithVersions(label: string, count: number): Promise<string> {
  const name = `registry-test-${label}-${suffix}`;
  models.push(name);
  await mlflow.createRegisteredModel(name, 'registry test');
  for (let i = 1; i <= count; i++) {
    const run = await mlflow.createRun(experimentId, `v${i}`, {});
    const version = await mlflow.createModelVersion(name, `${run.info.artifact_uri}/model`, run.info.run_id, {});
    expect(version.version).toBe(String(i));
  }
  return name;
}

const actor = 'user:test';
const tagsOf = async (model: string, version: string) =>
  Object.fromEntries(((await mlflow.getModelVersion(model, version)).tags ?? []).map(t => [t.key, t.value]));

async function expectPrecondition(operation: Promise<unknown>, code: string) {
  await expect(operation).rejects.toBeInstanceOf(RegistryPreconditionError);
  await expect(operation).rejects.toMatchObject({ code });
}

beforeAll(async () => {
  db = await testDatabase(infra.DATABASE_URL, 'model_registry_test');
  registry = new ModelRegistry(mlflow, db.pool());
  await registry.migrate();
  experimentId = await mlflow.getOrCreateExperiment(`registry-test-${suffix}`);
}, 60_000);

afterAll(async () => {
  for (const model of models) await mlflow.deleteRegisteredModel(model).catch(() => undefined);
  await db?.drop();
});

describe('ModelRegistry', () => {
  it('promote, demote and rollback move the aliases as specified and leave tags and history rows', async () => {
    const model = await modelWithVersions('moves', 4);
    const none = { champion: null, challenger: null, 'previous-champion': null };

    await registry.nominate({ model, version: '1', actor: 'trainer', reason: 'trained', evidence: { recall: 0.1 } });
    const first = await registry.promote({ model, actor, reason: 'first champion', evidence: { recall: 0.1 } });
    expect(first.version).toBe('1');
    expect(await registry.aliases(model)).toEqual({ ...none, champion: '1' });

    await registry.nominate({ model, version: '2', actor: 'trainer', reason: 'trained' });
    const second = await registry.promote({ model, actor, reason: 'better', evidence: { recall: 0.2, margin: 0.02 } });
    expect(second.before).toEqual({ ...none, champion: '1', challenger: '2' });
    expect(second.after).toEqual({ champion: '2', challenger: null, 'previous-champion': '1' });
    expect(await registry.aliases(model)).toEqual(second.after);
    const promotedTags = await tagsOf(model, '2');
    expect(promotedTags).toMatchObject({
      promoted_by: actor,
      promotion_reason: 'better',
      promotion_evidence: JSON.stringify({ recall: 0.2, margin: 0.02 }),
      promotion_history_id: String(second.id),
      promoted_at: second.at.toISOString(),
      nominated_by: 'trainer',
    });
    expect(await tagsOf(model, '1')).toMatchObject({ superseded_by_version: '2', superseded_at: second.at.toISOString() });

    // promoting a version other than the challenger leaves the challenger alone
    await registry.nominate({ model, version: '4', actor: 'trainer', reason: 'trained' });
    const third = await registry.promote({ model, version: '3', actor, reason: 'hotfix model' });
    expect(third.after).toEqual({ champion: '3', challenger: '4', 'previous-champion': '2' });

    const demoted = await registry.demote({ model, actor, reason: 'worse online', evidence: { experiment: 'exp-1' } });
    expect(demoted.version).toBe('4');
    expect(await registry.aliases(model)).toEqual({ champion: '3', challenger: null, 'previous-champion': '2' });
    expect(await tagsOf(model, '4')).toMatchObject({ demoted_by: actor, demotion_reason: 'worse online' });

    // rollback pops the stack of champions: 3 -> 2 (previous-champion then 1) -> 1 (previous-champion removed)
    const back = await registry.rollback({ model, actor, reason: 'error rate' });
    expect(back.after).toEqual({ champion: '2', challenger: null, 'previous-champion': '1' });
    expect(await tagsOf(model, '3')).toMatchObject({ rolled_back_by: actor, rollback_reason: 'error rate' });
    expect(await tagsOf(model, '2')).toMatchObject({ reinstated_by: actor, reinstated_history_id: String(back.id) });
    const backAgain = await registry.rollback({ model, actor, reason: 'still bad' });
    expect(backAgain.after).toEqual({ ...none, champion: '1' });
    expect(await registry.aliases(model)).toEqual({ ...none, champion: '1' });

    const history = await registry.history.list(model);
    expect(history.map(e => `${e.action} ${e.version}`)).toEqual([
      'rollback 1',
      'rollback 2',
      'demote 4',
      'promote 3',
      'nominate 4',
      'promote 2',
      'nominate 2',
      'promote 1',
      'nominate 1',
    ]);
    expect(history.find(e => e.action === 'demote')!.evidence).toEqual({ experiment: 'exp-1' });
    // each row's "before" is the previous row's "after": nothing moved the aliases in between
    const chronological = [...history].reverse();
    for (let i = 1; i < chronological.length; i++) expect(chronological[i].before).toEqual(chronological[i - 1].after);
  }, 60_000);

  it('answers what was champion at a time across several moves', async () => {
    const model = await modelWithVersions('at', 3);
    const beforeAny = new Date();
    await new Promise(resolve => setTimeout(resolve, 5));
    const moves: HistoryEntry[] = [];
    moves.push(await registry.promote({ model, version: '1', actor, reason: 'r' }));
    moves.push(await registry.promote({ model, version: '2', actor, reason: 'r' }));
    moves.push(await registry.promote({ model, version: '3', actor, reason: 'r' }));
    moves.push(await registry.rollback({ model, actor, reason: 'r' }));
    const champions = ['1', '2', '3', '2'];

    const championAt = async (at: Date) => (await registry.championAt(model, at))?.version;
    expect(await championAt(beforeAny)).toBeUndefined();
    for (let i = 0; i < moves.length; i++) {
      expect(await championAt(moves[i].at)).toBe(champions[i]);
      // a millisecond before a move, the champion was the one before (moves are several HTTP calls apart)
      expect(await championAt(new Date(moves[i].at.getTime() - 1))).toBe(i === 0 ? undefined : champions[i - 1]);
    }
    expect((await registry.championAt(model, new Date(Date.now() + 60_000)))?.version).toBe('2');
    // another model's history does not leak into this one
    expect(await registry.championAt(`registry-test-other-${suffix}`, new Date())).toBeUndefined();
  }, 60_000);

  it('serializes concurrent operations on one model', async () => {
    const model = await modelWithVersions('concurrent', 4);
    await registry.promote({ model, version: '1', actor, reason: 'start' });
    // three operators at once, each promoting another version
    const results = await Promise.all(
      ['2', '3', '4'].map(version => registry.promote({ model, version, actor: `user:op${version}`, reason: 'race' })),
    );
    const ordered = [...results].sort((a, b) => a.id - b.id);
    // every promotion saw the champion the one before it left: no two read the same "before"
    expect(ordered[0].before.champion).toBe('1');
    for (let i = 1; i < ordered.length; i++) {
      expect(ordered[i].before.champion).toBe(ordered[i - 1].version);
      expect(ordered[i].after['previous-champion']).toBe(ordered[i - 1].version);
    }
    const last = ordered[ordered.length - 1];
    expect(await registry.aliases(model)).toEqual(last.after);

    // two promotions of the one challenger at once: one wins, the other finds no challenger
    await registry.nominate({ model, version: '1', actor: 'trainer', reason: 'retrained' });
    const settled = await Promise.allSettled([1, 2].map(() => registry.promote({ model, actor, reason: 'race' })));
    expect(settled.filter(s => s.status === 'fulfilled')).toHaveLength(1);
    const failed = settled.find(s => s.status === 'rejected') as PromiseRejectedResult;
    expect(failed.reason).toMatchObject({ code: 'NO_CHALLENGER' });
    expect(await registry.aliases(model)).toEqual({ champion: '1', challenger: null, 'previous-champion': last.version });
  }, 60_000);

  it('fails cleanly when a precondition does not hold, recording nothing', async () => {
    const model = await modelWithVersions('preconditions', 2);
    await expectPrecondition(registry.promote({ model, actor, reason: 'r' }), 'NO_CHALLENGER');
    await expectPrecondition(registry.demote({ model, actor, reason: 'r' }), 'NO_CHALLENGER');
    await expectPrecondition(registry.rollback({ model, actor, reason: 'r' }), 'NO_PREVIOUS_CHAMPION');
    await expectPrecondition(registry.promote({ model, version: '9', actor, reason: 'r' }), 'VERSION_NOT_FOUND');
    await expectPrecondition(registry.promote({ model, version: '1', actor, reason: ' ' }), 'INVALID_ARGUMENT');
    await expectPrecondition(registry.promote({ model: `registry-test-missing-${suffix}`, version: '1', actor, reason: 'r' }), 'MODEL_NOT_FOUND');
    expect(await registry.history.list(model)).toEqual([]);

    await registry.promote({ model, version: '1', actor, reason: 'first' });
    await expectPrecondition(registry.promote({ model, version: '1', actor, reason: 'again' }), 'ALREADY_CHAMPION');
    await expectPrecondition(registry.promote({ model, version: '2', ifChampion: null, actor, reason: 'r' }), 'CHAMPION_CHANGED');
    await expectPrecondition(registry.rollback({ model, actor, reason: 'r' }), 'NO_PREVIOUS_CHAMPION');
    expect((await registry.history.list(model)).map(e => e.action)).toEqual(['promote']);
    expect(await registry.aliases(model)).toEqual({ champion: '1', challenger: null, 'previous-champion': null });
  }, 60_000);

  it('keeps long evidence compact in the tags and whole in the history', async () => {
    const model = await modelWithVersions('evidence', 1);
    const evidence = { perUser: Array.from({ length: 500 }, (_, i) => ({ user: `u${i}`, recall: i / 500 })) };
    const entry = await registry.promote({ model, version: '1', actor, reason: 'r', evidence });
    const tag = (await tagsOf(model, '1')).promotion_evidence;
    expect(tag.length).toBeLessThanOrEqual(TAG_EVIDENCE_MAX);
    expect(JSON.parse(tag)).toMatchObject({ truncated: true, chars: JSON.stringify(evidence).length });
    expect((await registry.history.list(model))[0]).toMatchObject({ id: entry.id, evidence });
  }, 60_000);

  it('enforces the history as append-only in the database', async () => {
    const pool = db.pool();
    const { rows } = await pool.query('SELECT count(*)::int AS n FROM model_registry_history');
    expect(rows[0].n).toBeGreaterThan(0);
    await expect(pool.query("UPDATE model_registry_history SET reason = 'rewritten'")).rejects.toThrow(/append-only/);
    await expect(pool.query('DELETE FROM model_registry_history')).rejects.toThrow(/append-only/);
    await expect(pool.query('TRUNCATE model_registry_history')).rejects.toThrow(/append-only/);
    const after = await pool.query("SELECT count(*)::int AS n FROM model_registry_history WHERE reason = 'rewritten'");
    expect(after.rows[0].n).toBe(0);
    // the migration is idempotent
    await registry.migrate();
  });
});
