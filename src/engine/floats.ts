/**
 * Kernels are generic over the float buffer type: Float32Array in production,
 * Float64Array in the gradient checks (central differences need the precision).
 */
export type Floats = Float32Array | Float64Array;
export type FloatCtor = Float32ArrayConstructor | Float64ArrayConstructor;
