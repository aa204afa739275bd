/**
 * Several texts (files, stdin) read as one corpus: each part in turn, each ending with a line
 * end (one is added after a part whose last line has none), so that the end of a file always
 * ends a line and no sentence runs from one file into the next. Each part is still read and
 * checked by its own source (its own name in errors, its own BOM and UTF-8 checks).
 */
import { LF, type CodePointSource } from './source.js';

/** A source of several parts; `parts` as given. */
export interface JoinedSource extends CodePointSource {
  readonly parts: readonly CodePointSource[];
}

export function joinSources(parts: readonly CodePointSource[], name: string): JoinedSource {
  const lineEnd = new Int32Array([LF]);
  return {
    name,
    parts,
    forEachChunk(sink, onPart) {
      parts.forEach((part, index) => {
        onPart?.(index);
        let last = LF; // an empty part needs no line end
        part.forEachChunk((cps, n) => {
          last = cps[n - 1];
          sink(cps, n);
        });
        if (last !== LF) sink(lineEnd, 1);
      });
    },
  };
}
