import type { Command } from './command.js';

/**
 * `info`: who and where, answered without a login (as the real server does). A client the depot
 * has no spec for is reported the real way: "Client unknown." / clientName `*unknown*`.
 */
const SERVER_VERSION = 'P4D/LINUX26X86_64/2023.2/2535420 (fake)';

export const info: Command = {
  anonymous: true,
  run({ ui, depot, options }) {
    const client = depot.client(options.client);
    const now = new Date().toISOString();
    const serverDate = `${now.slice(0, 10).replaceAll('-', '/')} ${now.slice(11, 19)} +0000 UTC`;
    if (ui.marshal) {
      ui.stat({
        userName: options.user,
        clientName: client ? options.client : '*unknown*',
        clientHost: options.host,
        ...(client ? { clientRoot: client.root } : {}),
        clientCwd: options.cwd,
        serverAddress: depot.port,
        serverRoot: depot.dir,
        serverDate,
        serverUptime: '00:00:01',
        serverVersion: SERVER_VERSION,
        serverLicense: 'none',
        caseHandling: 'sensitive',
        ...(depot.unicode ? { unicode: 'enabled' } : {}),
      });
      return;
    }
    const lines = [
      `User name: ${options.user}`,
      `Client name: ${options.client}`,
      `Client host: ${options.host}`,
      client ? `Client root: ${client.root}` : 'Client unknown.',
      `Current directory: ${options.cwd}`,
      `Server address: ${depot.port}`,
      `Server root: ${depot.dir}`,
      `Server date: ${serverDate}`,
      'Server uptime: 00:00:01',
      `Server version: ${SERVER_VERSION}`,
      'Server license: none',
      'Case Handling: sensitive',
      `Unicode: ${depot.unicode ? 'enabled' : 'disabled'}`,
    ];
    for (const line of lines) ui.info(line);
  },
};
