/**
 * Whose home the `oneclaw` CLI works in (src/cli/home.ts): never a HOME a repository set for a
 * terminal, since that home would choose the API a key goes to and the owner marker.
 */
import * as assert from 'node:assert/strict';
import { UsageError } from '../../src/cli/args';
import { resolveCliHome, takeHomeOption } from '../../src/cli/home';

describe('the CLI home', () => {
  const database = () => '/home/alice';

  it('is the user database\'s home, not a HOME that names another directory, and says so', () => {
    const chosen = resolveCliHome(undefined, { HOME: '/home/alice/src/cloned-repo/.h' }, database);
    assert.equal(chosen.home, '/home/alice');
    assert.match(chosen.note ?? '', /^HOME is \/home\/alice\/src\/cloned-repo\/\.h, not your home directory \(\/home\/alice\): using \/home\/alice\. Pass --home/);
  });

  it('says nothing when HOME is the database\'s home (also written with a trailing slash)', () => {
    assert.deepEqual(resolveCliHome(undefined, { HOME: '/home/alice/' }, database), { home: '/home/alice' });
    assert.deepEqual(resolveCliHome(undefined, {}, database), { home: '/home/alice' });
  });

  it('is --home when a trusted caller passes it (the module\'s start script)', () => {
    assert.deepEqual(resolveCliHome('/home/coder', { HOME: '/elsewhere' }, database), { home: '/home/coder' });
  });

  it('is HOME only where the user has no entry in the database (a container\'s arbitrary uid)', () => {
    assert.deepEqual(resolveCliHome(undefined, { HOME: '/home/uid1000680000' }, () => undefined), { home: '/home/uid1000680000' });
  });

  it('--home is taken out of any command\'s arguments, in either spelling, absolute only, once', () => {
    assert.deepEqual(takeHomeOption(['revoke', '--home', '/h', '--verbose']), { argv: ['revoke', '--verbose'], home: '/h' });
    assert.deepEqual(takeHomeOption(['status', '--home=/h']), { argv: ['status'], home: '/h' });
    assert.deepEqual(takeHomeOption(['status']), { argv: ['status'], home: undefined });
    assert.throws(() => takeHomeOption(['status', '--home', 'relative']), UsageError);
    assert.throws(() => takeHomeOption(['status', '--home']), UsageError);
    assert.throws(() => takeHomeOption(['status', '--home', '/a', '--home=/b']), UsageError);
  });
});
