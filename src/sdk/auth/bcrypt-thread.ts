import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';

/**
 * bcrypt compares in a worker thread. bcryptjs is JavaScript: its callback form runs on the event
 * loop in slices of up to 100 ms, so while it checks a password every other connection of the
 * process waits (8 compares at cost 10 held the loop for 600-900 ms at a time).
 *
 * The worker's code is plain CommonJS given as text: a worker started from a .ts file (tests, tsx)
 * does not get the loader hooks of its parent on Node.js 20, and it needs nothing but bcryptjs.
 */
const WORKER = `
const { parentPort, workerData } = require('node:worker_threads');
const bcrypt = require(workerData);
parentPort.on('message', ({ id, password, hash }) => {
  let ok = false;
  try {
    ok = bcrypt.compareSync(password, hash);
  } catch {}
  parentPort.postMessage({ id, ok });
});
`;

interface Reply {
  readonly id: number;
  readonly ok: boolean;
}

let worker: Worker | undefined;
const pending = new Map<number, { resolve(ok: boolean): void; reject(err: Error): void }>();
let nextId = 0;

function start(): Worker {
  const w = new Worker(WORKER, { eval: true, workerData: createRequire(import.meta.url).resolve('bcryptjs') });
  // Referenced only while a compare is pending: an idle thread never keeps the process alive.
  w.unref();
  w.on('message', ({ id, ok }: Reply) => {
    const p = pending.get(id);
    pending.delete(id);
    if (pending.size === 0) w.unref();
    p?.resolve(ok);
  });
  const fail = (err: Error): void => {
    if (worker === w) worker = undefined;
    for (const p of pending.values()) p.reject(err);
    pending.clear();
  };
  w.on('error', fail);
  w.on('exit', (code) => fail(new Error(`the bcrypt thread exited with code ${code}`)));
  return w;
}

/** bcrypt.compare off the event loop, one compare at a time in one thread started on first use. */
export function bcryptCompare(password: string, hash: string): Promise<boolean> {
  const w = (worker ??= start());
  const id = nextId++;
  return new Promise((resolve, reject) => {
    pending.set(id, { resolve, reject });
    if (pending.size === 1) w.ref();
    w.postMessage({ id, password, hash });
  });
}
