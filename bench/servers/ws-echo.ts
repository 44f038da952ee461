/** The bare `ws` echo server, the ceiling for tremolo's echo: on message, send it back. */
import { WebSocketServer } from 'ws';
import { announce } from './lifetime.js';

const wss = new WebSocketServer({ host: '127.0.0.1', port: 0 });
wss.on('connection', (ws) => ws.on('message', (data, isBinary) => ws.send(data, { binary: isBinary })));
announce(wss);
