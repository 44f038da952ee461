// The floor for `tremolo run` of a small flow: Node.js starting, loading `ws` and listening on a
// port, logged as tremolo logs it. Plain JavaScript, so nothing is compiled on the way.
import { WebSocketServer } from 'ws';

const wss = new WebSocketServer({ host: '127.0.0.1', port: 0 });
wss.on('listening', () => process.stderr.write(`listening on ws://127.0.0.1:${wss.address().port}\n`));
wss.on('connection', (ws) => ws.on('message', (data, isBinary) => ws.send(data, { binary: isBinary })));
process.on('SIGTERM', () => wss.close(() => process.exit(0)));
