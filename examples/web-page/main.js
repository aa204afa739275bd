// A page of one's own using charnn through a bundler: `import ... from 'charnn'` picks the
// library's browser build. The model is public/model.safetensors (any charnn checkpoint).
import { loadModel, sample, score } from 'charnn';

const $ = (id) => document.getElementById(id);
const model = await loadModel('/model.safetensors');
$('go').disabled = false;

$('go').addEventListener('click', async () => {
  const prime = $('prime').value;
  let text = prime;
  $('out').textContent = text;
  // Streamed: each character shows as soon as it is drawn.
  for await (const ch of sample(model, { prime, seed: 42, temperature: 0.8, lines: 1 })) {
    text += ch;
    $('out').textContent = text;
  }
  const [s] = await score(model, [text.trimEnd()]);
  $('out').textContent += `\nlog10 P = ${(s.logprobLn / Math.LN10).toFixed(4)}`;
});
