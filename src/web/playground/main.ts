/**
 * The playground page charnn serve sends at /: the playground (start-playground.ts) over the HTTP
 * API of the server that sent the page, with the API key the user types (kept for the session).
 */
import { byId } from './dom.js';
import { httpBackend } from './http-backend.js';
import { mountPlaygroundMarkup } from './playground-markup.js';
import { startPlayground } from './start-playground.js';

mountPlaygroundMarkup(byId('playground'));
const keyInput = byId<HTMLInputElement>('api-key');
keyInput.value = sessionStorage.getItem('charnn-api-key') ?? '';
keyInput.addEventListener('change', () => sessionStorage.setItem('charnn-api-key', keyInput.value));
const playground = startPlayground(httpBackend(location.origin, () => keyInput.value));
// A new key may open the model list the server refused without one.
keyInput.addEventListener('change', () => void playground.refreshModels());
