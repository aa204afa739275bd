/**
 * The WebGPU flag values the engine uses, as numbers: the globals that name them
 * (GPUBufferUsage, GPUMapMode, GPUShaderStage) exist in browsers but not in every Node binding,
 * and the values are fixed by the specification.
 */
export const BUFFER_MAP_READ = 0x0001;
export const BUFFER_COPY_SRC = 0x0004;
export const BUFFER_COPY_DST = 0x0008;
export const BUFFER_UNIFORM = 0x0040;
export const BUFFER_STORAGE = 0x0080;
export const MAP_READ = 0x0001;
export const STAGE_COMPUTE = 0x4;

/** Every tensor's buffer: bound to kernels, written from the host, copied out for reads. */
export const TENSOR_USAGE = BUFFER_STORAGE | BUFFER_COPY_SRC | BUFFER_COPY_DST;
