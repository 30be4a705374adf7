import { E_FAILED, EV_USAGE } from '../client-user.js';
import type { Command } from './command.js';

/** `login -s`: ticket status. Authentication itself is the depot's users table (FakeDepot.setUser). */
const TICKET_SECONDS = 12 * 60 * 60;

export const login: Command = {
  anonymous: false,
  run({ ui, options }, args) {
    if (args.length !== 1 || args[0] !== '-s') {
      ui.message({ text: "fake p4: only 'login -s' is simulated.", severity: E_FAILED, generic: EV_USAGE });
      return;
    }
    if (ui.marshal) {
      ui.stat({ User: options.user, TicketExpiration: String(TICKET_SECONDS) });
    } else {
      const minutes = Math.floor(TICKET_SECONDS / 60);
      ui.info(`User ${options.user} ticket expires in ${Math.floor(minutes / 60)} hours ${minutes % 60} minutes.`);
    }
  },
};
