import stringWidth from 'string-width';

/**
 * string-width with a fast path, substituted for it in the CLI bundle (scripts/build.mjs). yargs
 * lays out a verb's help on every run, even when nothing prints it, and string-width's first call
 * compiles Unicode property regexes: 7-20 ms of every command's start-up. Printable ASCII is one
 * column per character, so only other text needs the full rules.
 */
export default function textWidth(text: string, options?: Parameters<typeof stringWidth>[1]): number {
  return PRINTABLE_ASCII.test(text) ? text.length : stringWidth(text, options);
}

const PRINTABLE_ASCII = /^[\x20-\x7e]*$/;
