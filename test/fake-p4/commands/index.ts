import type { Command } from './command.js';
import { info } from './info.js';
import { login } from './login.js';
import { print } from './print.js';

/** The commands the fake server knows; anything else is "Unknown command". */
export const COMMANDS: ReadonlyMap<string, Command> = new Map([
  ['info', info],
  ['login', login],
  ['print', print],
]);
