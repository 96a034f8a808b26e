// Preloaded into Portkey's gateway by bench/gateway/run.sh (node --require ./listen-loopback.cjs …). The gateway's
// start-server.js listens on every interface (Hono's serve() with no hostname); this makes a listen() that names no
// host listen on 127.0.0.1 instead, so the bench stays on loopback. A listen() that names a host is left alone.
'use strict';
const net = require('node:net');

const listen = net.Server.prototype.listen;
net.Server.prototype.listen = function listenOnLoopback(...args) {
  if (typeof args[0] === 'number' || (typeof args[0] === 'string' && /^\d+$/.test(args[0]))) {
    if (args[1] === undefined || args[1] === null) args[1] = '127.0.0.1';
    else if (typeof args[1] === 'function') args.splice(1, 0, '127.0.0.1');
  } else if (args[0] && typeof args[0] === 'object' && args[0].path === undefined && !args[0].host) {
    args[0] = { ...args[0], host: '127.0.0.1' };
  }
  return listen.apply(this, args);
};
