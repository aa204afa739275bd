// node --import this-file: a process in which the optional `webgpu` package cannot be found, as
// on an install that skipped it (module.register: Node's resolve hooks).
import { register } from 'node:module';

register(
  'data:text/javascript,' +
    encodeURIComponent(`
export async function resolve(specifier, context, next) {
  if (specifier === 'webgpu') {
    const error = new Error("Cannot find package 'webgpu'");
    error.code = 'ERR_MODULE_NOT_FOUND';
    throw error;
  }
  return next(specifier, context);
}`),
);
