import net from 'node:net';

export interface RawReply {
  /** The status code of the first line, 0 when none came. */
  readonly status: number;
  /** Everything received, as latin1 text (headers and body). */
  readonly text: string;
  /** The body: what follows the blank line. */
  readonly body: string;
}

/**
 * Sends `head` as it is (no client library to normalise the target first) on a fresh TCP
 * connection, and reads the answer until the server closes, or until a complete 101 head (the
 * connection would stay open). Bounded in time; the connection is always destroyed.
 */
export function rawRequest(port: number, head: string, timeoutMs = 3000): Promise<RawReply> {
  return new Promise((resolve, reject) => {
    let text = '';
    const socket = net.connect(port, '127.0.0.1', () => socket.write(head));
    const done = (): void => {
      clearTimeout(timer);
      socket.destroy();
      const status = /^HTTP\/1\.[01] (\d{3})/.exec(text);
      const at = text.indexOf('\r\n\r\n');
      resolve({ status: status === null ? 0 : Number(status[1]), text, body: at < 0 ? '' : text.slice(at + 4) });
    };
    const timer = setTimeout(() => {
      socket.destroy();
      reject(new Error(`no complete answer within ${timeoutMs} ms to ${JSON.stringify(head.split('\r\n', 1)[0]!.slice(0, 80))}; received ${JSON.stringify(text)}`));
    }, timeoutMs);
    socket.on('data', (d: Buffer) => {
      text += d.toString('latin1');
      if (text.startsWith('HTTP/1.1 101') && text.includes('\r\n\r\n')) done();
    });
    socket.on('close', done);
    socket.on('error', () => undefined);
  });
}

