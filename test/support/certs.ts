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

const openssl = (args: string[]): void => void execFileSync('openssl', args, { stdio: 'ignore', timeout: 20_000 });

/** A throw-away certificate authority. */
export function makeCa(dir: string): { cert: string; key: string } {
  const cert = path.join(dir, 'ca.cert');
  const key = path.join(dir, 'ca.key');
  openssl(['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', key, '-out', cert, '-days', '1', '-subj', '/CN=tremolo test CA']);
  return { cert, key };
}

/** A client certificate for `cn`, signed by `ca`. */
export function makeClientCert(dir: string, ca: { cert: string; key: string }, cn: string): { cert: string; key: string } {
  const key = path.join(dir, `${cn}.key`);
  const csr = path.join(dir, `${cn}.csr`);
  const cert = path.join(dir, `${cn}.cert`);
  openssl(['req', '-newkey', 'rsa:2048', '-nodes', '-keyout', key, '-out', csr, '-subj', `/CN=${cn}`]);
  openssl(['x509', '-req', '-in', csr, '-CA', ca.cert, '-CAkey', ca.key, '-CAcreateserial', '-out', cert, '-days', '1']);
  return { cert, key };
}
