/** Moving values inside the engine: fill and copy. */
import { gridLoop, PARAMS, storage } from './common.js';
import type { KernelSpec } from './kernel-spec.js';

/** x[off + i] = v for i < n. Params: off, n, v (f32). */
export const FILL: KernelSpec = {
  name: 'fill',
  bindings: ['read_write'],
  code: `${PARAMS}
${storage(1, 'x', 'read_write')}
${gridLoop('pu(1)', 'x[pu(0) + i] = pf(2);')}`,
};

/** dst[dOff + i] = src[sOff + i] for i < n. Params: dOff, sOff, n. */
export const COPY: KernelSpec = {
  name: 'copy',
  bindings: ['read_write', 'read'],
  code: `${PARAMS}
${storage(1, 'dst', 'read_write')}
${storage(2, 'src', 'read')}
${gridLoop('pu(2)', 'dst[pu(0) + i] = src[pu(1) + i];')}`,
};
