/**
 * Preloaded (`NODE_OPTIONS=--require <this file>`) into processes a test proves make no network
 * call: every TCP connect and DNS lookup is appended to $ONECLAW_NETWORK_LOG and fails. Unix
 * sockets (local IPC) are allowed. Child node processes inherit NODE_OPTIONS, so the whole tree
 * is covered.
 */
import dns = require('node:dns');
import { appendFileSync } from 'node:fs';
import { syncBuiltinESMExports } from 'node:module';
import net = require('node:net');

function refuse(what: string): Error {
  const file = process.env.ONECLAW_NETWORK_LOG;
  if (file) appendFileSync(file, `${process.pid} ${process.argv.slice(1).join(' ')}: ${what}\n`);
  return new Error(`network call refused in a test: ${what}`);
}

const isUnixSocket = (target: unknown) => typeof target === 'string' || (typeof target === 'object' && target !== null && 'path' in target);

const originalConnect = net.Socket.prototype.connect;
(net.Socket.prototype as any).connect = function (this: net.Socket, ...args: any[]) {
  if (isUnixSocket(args[0])) return (originalConnect as any).apply(this, args);
  const target = typeof args[0] === 'object' ? `${args[0].host ?? 'localhost'}:${args[0].port}` : `${args[1] ?? 'localhost'}:${args[0]}`;
  throw refuse(`connect ${target}`);
};
(dns as any).lookup = (host: string) => {
  throw refuse(`dns.lookup ${host}`);
};
(dns.promises as any).lookup = async (host: string) => {
  throw refuse(`dns.promises.lookup ${host}`);
};
syncBuiltinESMExports();
