import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { reusePortGap } from '../../../../src/sdk/io/socket-options.js';

test('SO_REUSEPORT is there from Node.js 22.12 on the 22 line and from 23.1 (not 23.0), on Linux, FreeBSD, Solaris and AIX', () => {
  for (const v of ['22.12.0', '22.20.1', '23.1.0', '24.0.0', '25.2.1']) assert.is(reusePortGap(v, 'linux'), undefined, v);
  for (const p of ['freebsd', 'sunos', 'aix']) assert.is(reusePortGap('24.0.0', p), undefined, p);
  for (const v of ['20.20.2', '21.7.3', '22.11.0', '23.0.0']) assert.is(reusePortGap(v, 'linux'), `Node.js ${v} has no SO_REUSEPORT (it needs >= 22.12, or >= 23.1)`);
  assert.is(reusePortGap('24.0.0', 'darwin'), 'Node.js has no SO_REUSEPORT on darwin (only on Linux, FreeBSD, Solaris and AIX)');
  assert.is(reusePortGap('24.0.0', 'win32'), 'Node.js has no SO_REUSEPORT on win32 (only on Linux, FreeBSD, Solaris and AIX)');
});

test.run();
