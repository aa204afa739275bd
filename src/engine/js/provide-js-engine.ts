/** Makes the js reference engine available to engineNamed('js') (see ../default-engine.ts). */
import { provideEngine } from '../default-engine.js';
import { JsEngine } from './js-engine.js';

provideEngine('js', () => new JsEngine(Float32Array));
