// The clock of each test server, by its URL: a server started with DOORSTEP_CLOCK_START runs its
// clock from that time, so codes the test computes for it (TOTP) must use the same time.

const offsets = new Map();

/** Records that the server at `url` started its clock at `start` (RFC 3339) at `startedAt` (ms). */
export function shiftedClock(url, start, startedAt) {
  offsets.set(url, Date.parse(start) - startedAt);
}

/** Milliseconds since the epoch on the clock of the server at `url`. */
export function serverNow(url) {
  return Date.now() + (offsets.get(url) ?? 0);
}
