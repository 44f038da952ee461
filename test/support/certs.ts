import { execFileSync } from 'node:child_process';
import path from 'node:path';

/** A throw-away self-signed certificate for `localhost` (and 127.0.0.1), made with openssl. */
export function makeCertificate(dir: string, name = 'localhost'): { cert: string; key: string } {
  const cert = path.join(dir, `${name}.cert`);
  const key = path.join(dir, `${name}.key`);
  execFileSync(
    'openssl',
    ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', key, '-out', cert, '-days', '1', '-subj', '/CN=localhost', '-addext', 'subjectAltName=DNS:localhost,IP:127.0.0.1'],
    { stdio: 'ignore', timeout: 20_000 },
  );
  return { cert, key };
}
