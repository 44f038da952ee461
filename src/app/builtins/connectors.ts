import { bench } from '../../kinds/bench/bench.js';
import { dnsClient } from '../../kinds/dns/dns-client.js';
import { exit } from '../../kinds/basic/exit.js';
import { cb } from '../../kinds/cb/cb.js';
import { crononome } from '../../kinds/crononome/crononome.js';
import { file } from '../../kinds/file/file.js';
import { httpClient } from '../../kinds/http/http-client.js';
import { httpServer } from '../../kinds/http/http-server.js';
import { kv } from '../../kinds/kv/kv.js';
import { metrics } from '../../kinds/metrics/metrics.js';
import { metronome } from '../../kinds/timers/metronome.js';
import { natsPublisher } from '../../kinds/nats/nats-publisher.js';
import { natsSubscriber } from '../../kinds/nats/nats-subscriber.js';
import { nullConnector } from '../../kinds/basic/null.js';
import { otelClient } from '../../kinds/otel/otel-client.js';
import { otelServer } from '../../kinds/otel/otel-server.js';
import { stdio } from '../../kinds/stdio/stdio.js';
import { tcpClient } from '../../kinds/net/tcp-client.js';
import { tcpServer } from '../../kinds/net/tcp-server.js';
import { udpClient } from '../../kinds/udp/udp-client.js';
import { udpServer } from '../../kinds/udp/udp-server.js';
import { unixSocketClient } from '../../kinds/net/unix-socket-client.js';
import { unixSocketServer } from '../../kinds/net/unix-socket-server.js';
import { wal } from '../../kinds/wal/wal.js';
import { wsClient } from '../../kinds/ws/ws-client.js';
import { wsServer } from '../../kinds/ws/ws-server.js';

/** The built-in connector kinds. A new connector is one file plus one line here. */
export const builtinConnectors = [
  wsServer,
  wsClient,
  tcpServer,
  tcpClient,
  unixSocketServer,
  unixSocketClient,
  udpServer,
  udpClient,
  httpServer,
  httpClient,
  dnsClient,
  natsPublisher,
  natsSubscriber,
  otelServer,
  otelClient,
  stdio,
  file,
  wal,
  kv,
  metronome,
  crononome,
  metrics,
  cb,
  bench,
  exit,
  nullConnector,
];
