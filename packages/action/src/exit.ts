/**
 * The end of an entry (dist/index.js, dist/post.js): once its work is done (outputs, summary and state
 * written, the failure reported), the process exits, even if a client left a socket, a timer or a request
 * open; nothing still pending then is the Action's to wait for, and a step that never ends would hold the
 * job until its timeout. The exit comes a moment later (what is written to stdout is out by then), on a
 * timer that never keeps the process alive by itself: a process with nothing open ends at once, as before.
 */
const GRACE_MS = 300;

export function exitWhenDone(): void {
  setTimeout(() => process.exit(), GRACE_MS).unref();
}
