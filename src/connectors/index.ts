import { exit } from './exit.js';
import { file } from './file.js';
import { httpClient } from './http-client.js';
import { httpServer } from './http-server.js';
import { kv } from './kv.js';
import { metrics } from './metrics.js';
import { metronome } from './metronome.js';
import { cb } from './cb.js';
import { natsPublisher } from './nats-publisher.js';
import { natsSubscriber } from './nats-subscriber.js';
import { nullConnector } from './null.js';
import { stdio } from './stdio.js';
import { tcpClient } from './tcp-client.js';
import { tcpServer } from './tcp-server.js';
import { udpClient } from './udp-client.js';
import { udpServer } from './udp-server.js';
import { unixSocketClient } from './unix-socket-client.js';
import { unixSocketServer } from './unix-socket-server.js';
import { wal } from './wal.js';
import { wsClient } from './ws-client.js';
import { wsServer } from './ws-server.js';

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
  natsPublisher,
  natsSubscriber,
  stdio,
  file,
  wal,
  kv,
  metronome,
  cb,
  metrics,
  exit,
  nullConnector,
];
