import fs from 'node:fs';
import path from 'node:path';
import { parse } from 'yaml';
import { SERVER_NAMES, serverDefinitions } from './definitions';
import { findRepoRoot } from './paths';

interface ComposeService {
  image: string;
  ports?: string[];
  network_mode?: string;
  command?: string[] | string;
}

const repoRoot = findRepoRoot();
const compose = parse(
  fs.readFileSync(
    path.join(repoRoot, 'infra', 'compose', 'docker-compose.yml'),
    'utf8',
  ),
) as {
  services: Record<string, ComposeService>;
};
const definitions = serverDefinitions(repoRoot);

/** Host ports a service is reachable on: published ports, or the listen flags of a host-network service. */
function hostPorts(service: ComposeService): number[] {
  if (service.network_mode === 'host') {
    const command = ([] as string[]).concat(service.command ?? []).join(' ');
    return [...command.matchAll(/127\.0\.0\.1:(\d+)/g)].map(match =>
      Number(match[1]),
    );
  }
  return (service.ports ?? []).map(mapping => {
    const [host, hostPort] = mapping.split(':');
    expect(host).toBe('127.0.0.1'); // loopback only, like `yarn infra`
    return Number(hostPort);
  });
}

describe('infra/compose/docker-compose.yml', () => {
  it('has exactly the servers of `yarn infra`', () => {
    expect(Object.keys(compose.services).sort()).toEqual(
      [...SERVER_NAMES].sort(),
    );
  });

  it.each(SERVER_NAMES.map(name => [name]))(
    '%s uses the same version and ports as `yarn infra`',
    name => {
      const def = definitions[name];
      const service = compose.services[name];
      expect(service.image).toBe(def.image);
      const tag = def.image
        .slice(def.image.lastIndexOf(':') + 1)
        .replace(/^v/, '');
      expect(`${tag}.`.startsWith(`${def.version}.`)).toBe(true);
      expect(hostPorts(service).sort()).toEqual(
        Object.values(def.ports)
          .map(port => port.default)
          .sort(),
      );
    },
  );
});
