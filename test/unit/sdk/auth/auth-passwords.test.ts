import { monitorEventLoopDelay } from 'node:perf_hooks';
import bcrypt from 'bcryptjs';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { decoyHash, hashPassword, isPasswordHash, verifyPassword } from '../../../../src/sdk/auth/passwords.js';

test('a decoy hash has the scheme and cost most common in the users file, a fresh salt, and matches no password', async () => {
  const scrypt = await hashPassword('pw');
  const cheap = '$scrypt$N=1024,r=8,p=1$' + scrypt.split('$').slice(3).join('$');
  const b = bcrypt.hashSync('pw', 5);
  const fromScrypt = decoyHash([scrypt, cheap, scrypt]);
  assert.match(fromScrypt, /^\$scrypt\$N=16384,r=8,p=1\$[A-Za-z0-9+/]{22}==\$[A-Za-z0-9+/]{43}=$/);
  assert.is.not(fromScrypt.split('$')[3], scrypt.split('$')[3], 'a salt of its own');
  const fromBcrypt = decoyHash([b, b, scrypt]);
  assert.match(fromBcrypt, /^\$2[ab]\$05\$[./A-Za-z0-9]{53}$/);
  assert.match(decoyHash([]), /^\$scrypt\$N=16384,r=8,p=1\$/);
  for (const decoy of [fromScrypt, fromBcrypt]) {
    assert.ok(isPasswordHash(decoy));
    assert.is(await verifyPassword('pw', decoy), false);
    assert.is(await verifyPassword('', decoy), false);
  }
});

test('bcrypt hashes verify, right and wrong, from several callers at once', async () => {
  const hash = bcrypt.hashSync('hunter2', 4);
  const answers = await Promise.all(['hunter2', 'hunter3', 'hunter2', '', 'Hunter2'].map((p) => verifyPassword(p, hash)));
  assert.equal(answers, [true, false, true, false, false]);
});

test('a bcrypt check leaves the event loop free: its median delay is a small fraction of one check (bcryptjs alone holds it in 100 ms slices)', async () => {
  const hash = bcrypt.hashSync('pw', 10);
  await verifyPassword('warm-up', hash);
  const started = performance.now();
  await verifyPassword('x', hash);
  const one = performance.now() - started;
  const delay = monitorEventLoopDelay({ resolution: 2 });
  delay.enable();
  await Promise.all([1, 2, 3, 4].map(() => verifyPassword('x', hash)));
  delay.disable();
  // A ratio in one process, not a time: how long the loop waited against how long a check takes.
  const ratio = delay.percentile(50) / 1e6 / one;
  assert.ok(ratio < 0.25, `median event-loop delay ${(delay.percentile(50) / 1e6).toFixed(1)} ms against ${one.toFixed(1)} ms a check (ratio ${ratio.toFixed(2)})`);
});

test.run();
