/** The hand-written broadcast loop: every message to every other open connection. */
import WebSocket, { WebSocketServer } from 'ws';
import { announce } from './lifetime.js';

const wss = new WebSocketServer({ host: '127.0.0.1', port: 0 });
wss.on('connection', (ws) => {
  ws.on('message', (data, isBinary) => {
    for (const client of wss.clients) if (client !== ws && client.readyState === WebSocket.OPEN) client.send(data, { binary: isBinary });
  });
});
announce(wss);
