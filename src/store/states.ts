/**
 * The life of a tracked file. The ledger row's `state` only ever moves along these edges; every
 * writer goes through `transition` so an impossible move is a bug that fails loudly, not a
 * silently wrong ledger.
 *
 *   add ──► placeholder ──hydrate──► hydrated ──local write──► modified
 *              │   ▲                    │  ▲                      │
 *              │   └──────add───────────┘  └──recreated, digest ok─┤
 *              └──────────── local delete ──► missing ◄────────────┘
 *
 * `add` and `added` may arrive in any state (the server is authoritative); `delete` and `move` act
 * on rows rather than states.
 */
export const FILE_STATES = ['placeholder', 'hydrated', 'modified', 'missing'] as const;
export type FileState = (typeof FILE_STATES)[number];

export type FileEvent =
  | 'add' // server: a placeholder for a revision was written
  | 'add-kept' // server: add of the content already hydrated here, file kept
  | 'added' // server: the client wrote real content itself
  | 'hydrated' // content installed and verified
  | 'local-write' // content changed on disk
  | 'local-delete' // file vanished from disk
  | 'local-restore-same' // file reappeared with the recorded content (digest checked)
  | 'local-restore-other' // file reappeared with other content
  | 'local-return-placeholder'; // the very inode of a placeholder came back (moved away and back)

const EDGES: Record<FileEvent, { from: readonly (FileState | 'untracked')[]; to: FileState }> = {
  add: { from: ['untracked', ...FILE_STATES], to: 'placeholder' },
  'add-kept': { from: ['hydrated'], to: 'hydrated' },
  added: { from: ['untracked', ...FILE_STATES], to: 'hydrated' },
  hydrated: { from: ['placeholder'], to: 'hydrated' },
  'local-write': { from: ['placeholder', 'hydrated', 'modified'], to: 'modified' },
  'local-delete': { from: ['placeholder', 'hydrated', 'modified', 'missing'], to: 'missing' },
  'local-restore-same': { from: ['missing', 'modified'], to: 'hydrated' },
  'local-restore-other': { from: ['missing'], to: 'modified' },
  'local-return-placeholder': { from: ['missing'], to: 'placeholder' },
};

export class StateTransitionError extends Error {
  constructor(
    readonly from: FileState | 'untracked',
    readonly event: FileEvent,
  ) {
    super(`invalid ledger transition: ${event} from ${from}`);
    this.name = 'StateTransitionError';
  }
}

export function transition(from: FileState | 'untracked', event: FileEvent): FileState {
  const edge = EDGES[event];
  if (!edge.from.includes(from)) throw new StateTransitionError(from, event);
  return edge.to;
}

/** The checkFile answer for a tracked file whose on-disk stat was compared with the recorded one. */
export type CheckFileAnswer = 'missing' | 'exists' | 'same' | 'virtual';

export function checkFileAnswer(args: {
  state: FileState | 'untracked';
  onDisk: 'absent' | 'as-recorded' | 'changed';
  recordedDigest: string | null;
  requestDigest: string | undefined;
}): CheckFileAnswer {
  if (args.onDisk === 'absent') return 'missing';
  if (args.state !== 'placeholder' || args.onDisk === 'changed') return 'exists';
  return args.requestDigest !== undefined && args.recordedDigest !== null && args.requestDigest === args.recordedDigest ? 'same' : 'virtual';
}
