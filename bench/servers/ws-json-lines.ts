/**
 * Echo with work, by hand: a frame may carry several JSON documents, one per line; each is parsed,
 * re-serialised and sent back as its own frame ending in "\n", as tremolo's flows/echo.json5 does.
 */
import { WebSocketServer } from 'ws';
import { announce } from './lifetime.js';

const wss = new WebSocketServer({ host: '127.0.0.1', port: 0 });
wss.on('connection', (ws) => {
  ws.on('message', (data: Buffer) => {
    for (const line of data.toString('utf8').split('\n')) {
      if (line === '') continue;
      try {
        ws.send(`${JSON.stringify(JSON.parse(line))}\n`);
      } catch {
        // A line that is not JSON is dropped; a benchmark never sends one.
      }
    }
  });
});
announce(wss);
