/**
 * The WebAssembly SIMD kernels (AssemblyScript, f32): the entry point scripts/build-wasm.mjs
 * compiles, the kernels of the wasm engine (src/engine/wasm/wasm-engine.ts). Its exports are the module's exports:
 *
 *   matmul.ts  matmulNT, matmulNN, matmulTN, addBiasRows, sumRows: the matrix kernels, same
 *              contracts as the reference src/engine/js/matmul.ts (row-major, accumulating);
 *              matmulNN and matmulTN take a workspace of packFloats() floats as a last argument
 *   cells.ts   {lstm,gru,rnn}{Forward,Backward}: a recurrent layer's whole time loop in one call
 *   math.ts    expArray, sigmoidArray, tanhArray: the vectorised f32 functions the cells use,
 *              over arrays (for tests)
 *   optim.ts   adamUpdate, addArrays, sumSquares, scaleArray: the end of a training step
 *              (bit-identical to src/engine/js/optimizer-steps.ts)
 *
 * Pointers are BYTE addresses in the imported shared memory (a Float32Array's byteOffset);
 * dimensions are element counts. Nothing here allocates, keeps globals or has data segments:
 * the memory belongs to the JS arena (src/engine/wasm/arena.ts), and one instance per worker
 * thread can share it.
 */
export { matmulNT, matmulNN, matmulTN, addBiasRows, sumRows, packFloats } from './matmul';
export { lstmForward, lstmBackward, gruForward, gruBackward, rnnForward, rnnBackward } from './cells';
export { expArray, sigmoidArray, tanhArray } from './math';
export { gatherColumns, scatterColumns } from './columns';
export { softmaxCrossEntropy } from './softmax';
export { adamUpdate, addArrays, sumSquares, scaleArray } from './optim';
