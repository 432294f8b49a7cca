import { SERVER_NAMES, serverDefinitions } from '../definitions';
import { Infra } from '../infra';

describe('yarn infra status', () => {
  it('reports every server ready, each running its pinned version', async () => {
    const definitions = serverDefinitions();
    const statuses = await new Infra({ out: () => undefined }).status();
    expect(statuses.map(s => [s.name, s.state])).toEqual(
      SERVER_NAMES.map(name => [name, 'ready']),
    );
    for (const status of statuses) {
      // Reported by the server itself, e.g. "15.18", "7.0.15", "FerretDB v1.24.0 (MongoDB 7.0.42)", "2.42.0+ds",
      // "Azurite-Blob/3.37.0 (API 2026-06-06)", "Mailpit v1.33.1"; versitygw's is the version its binary was built as.
      expect(
        status.version.replace(/^(FerretDB v|versitygw v|Azurite-Blob\/|Mailpit v)/, ''),
      ).toMatch(new RegExp(`^${definitions[status.name].version}\\b`));
      expect(status.pid).toEqual(expect.any(Number));
    }
  });
});
