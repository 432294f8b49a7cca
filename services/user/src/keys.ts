import { generateKeyPairSync } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { stateRoot } from '@platform/local-infra';
import type { UserConfig } from './config';

export interface SigningKey {
  privateKeyPem: string;
  /** set when this start generated the development key file */
  generatedFile?: string;
}

/**
 * The Ed25519 key access tokens are signed with: JWT_PRIVATE_KEY when set (required in production), else a key
 * generated once into .state/keys so tokens and the gateway's cached JWKS survive restarts on a developer machine.
 */
export function loadSigningKey(config: UserConfig): SigningKey {
  if (config.JWT_PRIVATE_KEY) return { privateKeyPem: config.JWT_PRIVATE_KEY.replace(/\\n/g, '\n') };
  if (config.NODE_ENV === 'production') {
    throw new Error('JWT_PRIVATE_KEY is required in production (a PKCS8 PEM Ed25519 key)');
  }
  const file = config.JWT_KEY_FILE ?? path.join(stateRoot(), 'keys', 'jwt-ed25519.pem');
  let generatedFile: string | undefined;
  if (!fs.existsSync(file)) {
    const { privateKey, publicKey } = generateKeyPairSync('ed25519');
    fs.mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
    const draft = `${file}.${process.pid}.tmp`;
    fs.writeFileSync(draft, privateKey.export({ type: 'pkcs8', format: 'pem' }), { mode: 0o600 });
    try {
      // link() refuses an existing name: two services starting together keep one complete key
      fs.linkSync(draft, file);
      fs.writeFileSync(file.replace(/\.pem$/, '.pub.pem'), publicKey.export({ type: 'spki', format: 'pem' }));
      generatedFile = file;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
    } finally {
      fs.rmSync(draft, { force: true });
    }
  }
  return { privateKeyPem: fs.readFileSync(file, 'utf8'), generatedFile };
}
