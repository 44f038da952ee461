import { exit } from './exit.js';
import { file } from './file.js';
import { metronome } from './metronome.js';
import { nullConnector } from './null.js';
import { stdio } from './stdio.js';
import { wsClient } from './ws-client.js';
import { wsServer } from './ws-server.js';

/** The built-in connector kinds. A new connector is one file plus one line here. */
export const builtinConnectors = [wsServer, wsClient, stdio, file, metronome, exit, nullConnector];
