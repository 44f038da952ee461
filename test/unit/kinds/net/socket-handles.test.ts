import path from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { startFlow } from '../../../../src/app/testing/index.js';
import { connector } from '../../../support/socket-flows.js';
import { SocketPeer } from '../../../support/socket-peer.js';
import { TestSocket, until } from '../../../support/sockets.js';
import { tmpDir } from '../../../support/tmp.js';
import { UdpPeer } from '../../../support/udp.js';

// The process's own stdout and stderr are made on first use (a log line of the flow's, a reporter's
// line): made now, they count the same before the flow as after it.
void process.stdout;
void process.stderr;

/** Sockets, servers and timers by kind; file-system requests come and go on their own (the loader's). */
const handles = (): Record<string, number> => {
  const counts: Record<string, number> = {};
  for (const r of process.getActiveResourcesInfo()) if (r.endsWith('Wrap') || r === 'Timeout') counts[r] = (counts[r] ?? 0) + 1;
  return counts;
};

test('stopping a flow of every socket connector, with connections open, leaves no socket, server or timer behind', async () => {
  const tmp = tmpDir('tremolo-handles-');
  const tcpPeer = await SocketPeer.start({}, { echo: true });
  const unixPeer = await SocketPeer.start({ path: path.join(tmp.dir, 'peer.sock') }, { echo: true });
  const udpPeer = await UdpPeer.open({ echo: true });
  const before = handles();
  const retry = { retry: { interval_ms: 20 } };
  const flow = await startFlow({
    connectors: {
      tcp_server: connector('tcp_server', { url: '127.0.0.1:0' }),
      tcp_client: connector('tcp_client', { url: tcpPeer.url }, { reconnect: retry }),
      tcp_gateway: connector('tcp_client', { url: tcpPeer.url, per_stream: true }),
      unix_server: connector('unix_socket_server', { path: path.join(tmp.dir, 'server.sock') }),
      unix_client: connector('unix_socket_client', { path: unixPeer.url }, { reconnect: retry }),
      udp_server: connector('udp_server', { url: '127.0.0.1:0' }, { preprocessors: [], postprocessors: [] }),
      udp_client: connector('udp_client', { url: `127.0.0.1:${udpPeer.port}` }, { reconnect: retry }),
      // A client that keeps retrying a server that is not there: timers of its own.
      lost: connector('unix_socket_client', { path: path.join(tmp.dir, 'nobody.sock') }, { reconnect: retry }),
    },
    // Every tcp_server connection gets its own upstream from the gateway.
    links: [['tcp_server', 'tcp_gateway']],
  });
  try {
    const tcp = await TestSocket.connect(flow.address('tcp_server'));
    const unix = await TestSocket.connect(flow.address('unix_server'));
    tcp.send('{"up":1}\n');
    unix.send('{"x":1}\n');
    await flow.next('unix_server', 'out');
    await tcpPeer.waitText('{"up":1}\n');
    await Promise.all(['tcp_client', 'unix_client', 'udp_client'].map((c) => flow.waitConnected(c)));
    await flow.stop();
    await tcp.waitClosed();
    await unix.waitClosed();
    await until(() => JSON.stringify(handles()) === JSON.stringify(before), () => `handles as before the flow: ${JSON.stringify(before)}, now ${JSON.stringify(handles())}`);
    assert.equal(handles(), before);
  } finally {
    await flow.stop();
    await Promise.all([tcpPeer.stop(), unixPeer.stop(), udpPeer.close()]);
    tmp.cleanup();
  }
});

test.run();
