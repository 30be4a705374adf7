/**
 * The watcher benchmark's baseline: chokidar alone, with the daemon's options, over one tree.
 * Prints "ready" once its initial scan is done, then idles until SIGTERM.
 */
import { watch } from 'chokidar';

const root = process.argv[2];
if (!root) {
  console.error('usage: chokidar-baseline.js ROOT');
  process.exit(2);
}
const watcher = watch(root, { ignoreInitial: true, persistent: true, followSymlinks: false, atomic: true, ignorePermissionErrors: true });
watcher.on('ready', () => console.log('ready'));
process.on('SIGTERM', () => void watcher.close().then(() => process.exit(0)));
