import type { FakeDepot } from './depot.js';
import { claimRefusal, type Failures } from './failures.js';
import { sleepForever, sleepSync } from './sleep.js';
import { writeAll } from './stdout-sink.js';

/**
 * The client's connect step: FAKE_P4_LATENCY_MS of delay, then either "connection refused" (the
 * port is not the depot's address, or a refuse failure is injected), a server that never answers
 * (`hang`), or a connection. The port must equal the depot's address exactly, transport prefix
 * included.
 */
export function connect(depot: FakeDepot, port: string, failures: Failures): boolean {
  sleepSync(Number(process.env['FAKE_P4_LATENCY_MS']) || 0);
  const refused = port !== depot.port || failures.refuse || (failures.refuseFirst > 0 && claimRefusal(depot.dir, failures.refuseFirst));
  if (refused) {
    writeAll(2, Buffer.from(refusedMessage(port)));
    return false;
  }
  if (failures.hang) sleepForever();
  return true;
}

/** What p4 prints on stderr (and only there, even with -G) when nothing listens at the port. */
function refusedMessage(port: string): string {
  const address = port.replace(/^(?:tcp|ssl)(?:4|6|46|64)?:/, '');
  const portNumber = address.slice(address.lastIndexOf(':') + 1);
  return (
    'Perforce client error:\n' +
    '\tConnect to server failed; check $P4PORT.\n' +
    `\tTCP connect to ${address} failed.\n` +
    `\tconnect: 127.0.0.1:${portNumber}: Connection refused\n`
  );
}
