// vitest setupFiles: the tests import the core directly (not through the package entry, src/node.ts),
// so they install Node's platform as that entry does.
import { installPlatform } from '../../src/platform/platform.js';
import { nodePlatform } from '../../src/platform/node/node-platform.js';
import '../../src/engine/js/provide-js-engine.js'; // the js reference engine, for --engine js and where wasm does not load

installPlatform(nodePlatform);
