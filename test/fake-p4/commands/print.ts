import { resolve } from 'node:path';
import { charsetName } from '../charsets.js';
import { clientContent, fileMode, writeClientContent, writeFailure } from '../client-file.js';
import { E_FAILED, EV_CLIENT, EV_USAGE } from '../client-user.js';
import type { RevisionInfo } from '../depot.js';
import { corrupted } from '../failures.js';
import { resolveFileArg } from '../file-args.js';
import { parseFileType, sentAsBinary, type FileType, type LineEnd } from '../filetypes.js';
import { expandKeywords } from '../keywords.js';
import type { Command, CommandContext } from './command.js';

/**
 * `print [-a -q -K -m max -L lineEnd -B utf8bom -Q charset -o localFile] file[rev]...`
 *
 * To stdout goes the stored form (LF, UTF-8, no BOM), keyword-expanded unless -K, in chunks of
 * FAKE_P4_CHUNK bytes (default 4096). With -o the revision is written through the client's file
 * types instead: line ends, BOM, charset, symlink, exec bit.
 */
const CHUNK = Number(process.env['FAKE_P4_CHUNK']) || 4096;
const USAGE = 'Usage: print [-a -A -K -o localFile -q -m max --offset offset --size size -Q charset -B utf8bom -L line-ending] [-U] files...';

interface PrintFlags {
  all: boolean;
  quiet: boolean;
  noKeywords: boolean;
  /** -m; -1 for no limit */
  max: number;
  lineEnd: LineEnd | undefined;
  utf8bom: number;
  charset: string | undefined;
  output: string | undefined;
}

export const print: Command = {
  anonymous: false,
  run(ctx, args) {
    const parsed = parseFlags(args);
    if ('usage' in parsed) {
      ctx.ui.message({ text: `${USAGE}\n${parsed.usage}`, severity: E_FAILED, generic: EV_USAGE });
      return;
    }
    let printed = 0;
    for (const arg of parsed.files) {
      const found = resolveFileArg(ctx.depot, arg, parsed.flags.all);
      if ('message' in found) {
        ctx.ui.message(found.message);
        continue;
      }
      for (const r of found.revisions) {
        if (parsed.flags.max >= 0 && printed++ >= parsed.flags.max) return;
        printRevision(ctx, r, parsed.flags);
      }
    }
  },
};

const LINE_ENDS = new Set(['unix', 'win', 'mac', 'share', 'local']);

function parseFlags(args: readonly string[]): { flags: PrintFlags; files: readonly string[] } | { usage: string } {
  const flags: PrintFlags = {
    all: false,
    quiet: false,
    noKeywords: false,
    max: -1,
    lineEnd: undefined,
    utf8bom: 1,
    charset: undefined,
    output: undefined,
  };
  let i = 0;
  for (; i < args.length && args[i]!.startsWith('-') && args[i]!.length > 1; i++) {
    const flag = args[i]!;
    const value = () => (flag.length > 2 ? flag.slice(2) : args[++i]);
    switch (flag.slice(0, 2)) {
      case '-a':
        flags.all = true;
        break;
      case '-q':
        flags.quiet = true;
        break;
      case '-K':
        flags.noKeywords = true;
        break;
      case '-m': {
        const v = value();
        if (v === undefined || !/^\d+$/.test(v)) return { usage: 'Missing/wrong number of arguments.' };
        flags.max = Number(v);
        break;
      }
      case '-L': {
        const v = value();
        if (v === undefined || !LINE_ENDS.has(v)) return { usage: `Invalid option: -L ${v ?? ''}.` };
        flags.lineEnd = v as LineEnd;
        break;
      }
      case '-B': {
        const v = value();
        if (v !== '0' && v !== '1' && v !== '2') return { usage: `Invalid option: -B ${v ?? ''}.` };
        flags.utf8bom = Number(v);
        break;
      }
      case '-Q':
        flags.charset = value();
        if (flags.charset === undefined) return { usage: 'Missing/wrong number of arguments.' };
        break;
      case '-o':
        flags.output = value();
        if (flags.output === undefined) return { usage: 'Missing/wrong number of arguments.' };
        break;
      default:
        return { usage: `Invalid option: ${flag}.` };
    }
  }
  const files = args.slice(i);
  return files.length > 0 ? { flags, files } : { usage: 'Missing/wrong number of arguments.' };
}

function printRevision(ctx: CommandContext, r: RevisionInfo, flags: PrintFlags): void {
  const { ui, failures } = ctx;
  if (ui.marshal) {
    ui.stat({
      depotFile: r.depotFile,
      rev: String(r.rev),
      change: String(r.change),
      action: r.action,
      type: r.type,
      time: String(r.time),
      fileSize: String(r.fileSize),
    });
  } else if (!flags.quiet) {
    ui.info(`${r.depotFile}#${r.rev} - ${r.action} change ${r.change} (${r.type})`);
  }
  const ft = parseFileType(r.type);
  let content = r.storedContent();
  if (ft.keywords && !flags.noKeywords) content = expandKeywords(content, ft.keywords, r);
  const corrupt = failures.corrupt.has(r.depotFile);
  if (flags.output !== undefined) {
    writeLocalFile(ctx, ft, content, flags, flags.output, corrupt);
    return;
  }
  if (corrupt) content = corrupted(content);
  const binary = sentAsBinary(ft);
  for (let at = 0; at < content.length; at += CHUNK) ui.content(content.subarray(at, at + CHUNK), binary);
}

/** -o: the client's file-type machinery writes the revision, replacing any file already there. */
function writeLocalFile(ctx: CommandContext, ft: FileType, content: Buffer, flags: PrintFlags, output: string, corrupt: boolean): void {
  const { ui, depot, options } = ctx;
  const path = resolve(options.cwd, output);
  try {
    const written = clientContent(ft, content, {
      lineEnd: flags.lineEnd ?? depot.client(options.client)?.lineEnd ?? 'local',
      utf8bom: flags.utf8bom,
      charset: charsetName(flags.charset ?? options.charset ?? 'utf8'),
    });
    const delivered = !corrupt
      ? written
      : 'symlink' in written
        ? { symlink: corrupted(Buffer.from(written.symlink)).toString('utf8') }
        : { bytes: corrupted(written.bytes) };
    writeClientContent(path, delivered, fileMode(ft.exec, true));
  } catch (err) {
    ui.message({ text: writeFailure(err, path), severity: E_FAILED, generic: EV_CLIENT });
  }
}
