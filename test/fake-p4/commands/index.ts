import { client } from './client.js';
import type { Command } from './command.js';
import { diff } from './diff.js';
import { edit } from './edit.js';
import { have } from './have.js';
import { info } from './info.js';
import { login } from './login.js';
import { opened } from './opened.js';
import { print } from './print.js';
import { reconcile } from './reconcile.js';
import { revert } from './revert.js';
import { sync } from './sync.js';

/** The commands the fake server knows; anything else is "Unknown command". */
export const COMMANDS: ReadonlyMap<string, Command> = new Map([
  ['client', client],
  ['diff', diff],
  ['edit', edit],
  ['have', have],
  ['info', info],
  ['login', login],
  ['opened', opened],
  ['print', print],
  ['reconcile', reconcile],
  ['revert', revert],
  ['sync', sync],
]);
