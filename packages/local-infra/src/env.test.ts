import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { formatEnvFile, parseEnvFile } from './env';

const values = {
  DATABASE_URL: 'postgres://platform:platform@127.0.0.1:5432/platform',
  AZURE_STORAGE_CONNECTION_STRING:
    'DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey=a+b/c==;BlobEndpoint=http://127.0.0.1:10000/devstoreaccount1;',
  EMPTY: '',
};

describe('the env file', () => {
  it('reads back what it wrote, quoting only what a shell would split', () => {
    const text = formatEnvFile(values, 'header');
    expect(text).toContain(`DATABASE_URL=${values.DATABASE_URL}\n`);
    expect(text).toContain(
      `AZURE_STORAGE_CONNECTION_STRING='${values.AZURE_STORAGE_CONNECTION_STRING}'\n`,
    );
    expect(parseEnvFile(text)).toEqual(values);
  });

  it('gives a shell that sources it the same values', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'infra-env-test-'));
    try {
      const file = path.join(dir, 'infra.env');
      fs.writeFileSync(file, formatEnvFile(values, 'header'));
      // What scripts/lib/processes.sh does.
      const printed = execFileSync(
        'bash',
        [
          '-c',
          'set -a; source "$1"; set +a; printf "%s\\n" "$DATABASE_URL" "$AZURE_STORAGE_CONNECTION_STRING"',
          'bash',
          file,
        ],
        { encoding: 'utf8' },
      );
      expect(printed).toBe(
        `${values.DATABASE_URL}\n${values.AZURE_STORAGE_CONNECTION_STRING}\n`,
      );
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('refuses a value it cannot quote', () => {
    expect(() => formatEnvFile({ BAD: "it's" }, 'header')).toThrow(/BAD/);
  });
});
