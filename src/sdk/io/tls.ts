import { readFile } from 'node:fs/promises';
import { z } from 'zod';

export const ServerTlsSchema = z.strictObject({
  cert: z.string().describe('PEM certificate chain file'),
  key: z.string().describe('PEM private key file'),
  ca: z.string().optional().describe('PEM file of the CAs that sign client certificates (mutual TLS)'),
  client_cert: z
    .enum(['none', 'request', 'require'])
    .default('none')
    .describe('ask clients for a certificate signed by ca: not at all, optionally, or as a condition of the TLS handshake'),
});
export type ServerTls = z.output<typeof ServerTlsSchema>;

export const ClientTlsSchema = z.union(
  [
    z.boolean(),
    z.strictObject({
      cafile: z.string().optional().describe('PEM file of the CA(s) to trust instead of the system roots'),
      domain: z.string().optional().describe('the name the server certificate must carry (default: the url host)'),
      cert: z.string().optional().describe('client certificate (mutual TLS)'),
      key: z.string().optional().describe('client key (mutual TLS)'),
    }),
  ],
  { error: 'expected true, false or { cafile, domain, cert, key }' },
);
export type ClientTls = z.output<typeof ClientTlsSchema>;

async function readPem(what: string, file: string): Promise<Buffer> {
  try {
    return await readFile(file);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw new Error(`cannot read tls.${what} ${JSON.stringify(file)}: ${code === 'ENOENT' ? 'no such file' : (err as Error).message}`);
  }
}

export async function loadServerTls(tls: ServerTls): Promise<{ cert: Buffer; key: Buffer; ca?: Buffer; requestCert: boolean; rejectUnauthorized: boolean }> {
  const [cert, key, ca] = await Promise.all([
    readPem('cert', tls.cert),
    readPem('key', tls.key),
    tls.ca === undefined ? undefined : readPem('ca', tls.ca),
  ]);
  const mode = tls.client_cert ?? 'none';
  return { cert, key, ...(ca === undefined ? {} : { ca }), requestCert: mode !== 'none', rejectUnauthorized: mode === 'require' };
}

export interface ClientTlsOptions {
  ca?: Buffer;
  cert?: Buffer;
  key?: Buffer;
  servername?: string;
}

export async function loadClientTls(tls: ClientTls): Promise<ClientTlsOptions | undefined> {
  if (tls === false) return undefined;
  if (tls === true) return {};
  const out: ClientTlsOptions = {};
  if (tls.cafile !== undefined) out.ca = await readPem('cafile', tls.cafile);
  if (tls.cert !== undefined) out.cert = await readPem('cert', tls.cert);
  if (tls.key !== undefined) out.key = await readPem('key', tls.key);
  if (tls.domain !== undefined) out.servername = tls.domain;
  return out;
}
