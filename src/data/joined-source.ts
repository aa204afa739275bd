/**
 * Several texts read as one corpus, in order: each text's lines, then the next text's. Every text
 * ends its own last line (a file without a final line end does not run into the next file's
 * first line), so the lines are exactly the texts' lines one after another.
 */
import { LF, type CodePointSource } from './source.js';

export function joinedSource(sources: readonly CodePointSource[], name = sources.map((s) => s.name).join(' + ')): CodePointSource {
  if (sources.length === 1) return sources[0];
  return {
    name,
    forEachChunk(sink) {
      for (const source of sources) {
        let last = LF; // an empty text adds no line
        source.forEachChunk((cps, n) => {
          last = cps[n - 1];
          sink(cps, n);
        });
        if (last !== LF) sink(Int32Array.of(LF), 1);
      }
    },
  };
}
