import { SERVER_NAMES, serverDefinitions } from '../definitions';
import { Infra } from '../infra';

describe('yarn infra status', () => {
  it('reports all six servers ready, each running its pinned version', async () => {
    const definitions = serverDefinitions();
    const statuses = await new Infra({ out: () => undefined }).status();
    expect(statuses.map(s => [s.name, s.state])).toEqual(
      SERVER_NAMES.map(name => [name, 'ready']),
    );
    for (const status of statuses) {
      // Reported by the server itself, e.g. "15.18", "7.0.15", "FerretDB v1.24.0 (MongoDB 7.0.42)", "2.42.0+ds".
      expect(status.version.replace(/^FerretDB v/, '')).toMatch(
        new RegExp(`^${definitions[status.name].version}\\b`),
      );
      expect(status.pid).toEqual(expect.any(Number));
    }
  });
});
