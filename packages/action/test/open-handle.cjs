// Preloaded (NODE_OPTIONS=--require) by the test of the entries' exit: stands for a client that leaves
// something open after its work, here a listening socket, which alone keeps a Node process alive.
const server = require('node:net').createServer();
server.listen(0, '127.0.0.1');
