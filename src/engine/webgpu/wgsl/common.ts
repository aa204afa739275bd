/**
 * What every WGSL kernel of the webgpu engine starts with: its parameters, sixteen 32-bit words
 * in a uniform block at binding 0, read with pu(i) and pf(i) (f32 scalars travel as their bits).
 * Tensors are f32 arrays in storage buffers (bindings 1, 2, ...) addressed by element offsets, so
 * a view of a tensor is a buffer and an offset. By convention the first parameters are the
 * element offsets of the storage bindings, in binding order (the engine writes them); a
 * kernel's own parameters follow.
 */
export const PARAMS = /* wgsl */ `
struct Params { u: array<vec4<u32>, 4> }
@group(0) @binding(0) var<uniform> params: Params;
fn pu(i: u32) -> u32 { return params.u[i / 4u][i % 4u]; }
fn pf(i: u32) -> f32 { return bitcast<f32>(pu(i)); }
fn sigmoid(x: f32) -> f32 { return 1.0 / (1.0 + exp(-x)); }
// tanh through exp of a non-positive argument: no overflow for large |x| (some implementations
// compute tanh as a ratio of exponentials and give NaN there).
fn tanh_(x: f32) -> f32 {
  let e = exp(-2.0 * abs(x));
  return sign(x) * (1.0 - e) / (1.0 + e);
}
`;

/** The parameter block: words and bytes. */
export const PARAM_WORDS = 16;
export const PARAMS_BYTES = PARAM_WORDS * 4;

/** Threads per workgroup of the one-dimensional kernels. */
export const WG = 64;

/** A storage binding: `var<storage, read_write>` or `read`. */
export function storage(binding: number, name: string, access: 'read' | 'read_write', type = 'array<f32>'): string {
  return `@group(0) @binding(${binding}) var<storage, ${access}> ${name}: ${type};`;
}

/** The entry point of a one-dimensional kernel over n items (a grid-stride loop, so any n fits the
 *  dispatch limits); `body` uses i. */
export function gridLoop(n: string, body: string): string {
  return `@compute @workgroup_size(${WG})
fn main(@builtin(global_invocation_id) gid: vec3u, @builtin(num_workgroups) nwg: vec3u) {
  let n = ${n};
  let stride = nwg.x * ${WG}u;
  for (var i = gid.x; i < n; i += stride) {
    ${body}
  }
}`;
}
