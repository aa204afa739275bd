/** A WGSL kernel of the webgpu engine: its storage bindings (1, 2, ... after the parameters at 0),
 *  their access, and its source. Parameters: see each kernel's comment (pu(i): word i). */
export type Access = 'read' | 'read_write';

export interface KernelSpec {
  name: string;
  bindings: readonly Access[];
  code: string;
}
