/**
 * The playground's markup, in one place for both pages that show it: the one charnn serve sends
 * (index.html beside this file) and the page of `charnn export web` (src/web/page/), which mounts
 * it over its in-page backend. startPlayground (start-playground.ts) finds its parts by id.
 */

/** Fills `root` with the playground: the model picker, then the score, sample and fill sections. */
export function mountPlaygroundMarkup(root: HTMLElement): void {
  root.innerHTML = MARKUP;
}

const MARKUP = `
<p>
  <label for="model">Model</label>
  <select id="model"></select>
</p>
<p id="model-error" class="error" role="alert" hidden></p>
<section aria-labelledby="score-heading">
  <h2 id="score-heading">Score</h2>
  <p>
    <label for="score-text">Sentences, one per line: how surprised the model is by each character, in bits</label>
  </p>
  <textarea id="score-text" rows="3" cols="60" spellcheck="false">The old mill is by the river.</textarea>
  <p id="score-status" class="status" aria-live="polite"></p>
  <p id="score-error" class="error" role="alert" hidden></p>
  <div class="score-panels">
    <div id="heatmap" aria-label="surprisal of each character in bits; arrow keys move"></div>
    <div id="alternatives" aria-live="polite"></div>
  </div>
  <p class="legend" aria-hidden="true">
    <span class="cell b0">0</span><span class="cell b1">1</span><span class="cell b2">2</span><span class="cell b3">3</span
    ><span class="cell b4">4</span><span class="cell b5">5</span><span class="cell b6">6</span><span class="cell b7">7</span
    ><span class="cell b8">8</span><span class="cell b9">9+</span>
    bits: the number under each character is its surprisal; ⏎ is the end of the sentence, ␣ a space
  </p>
</section>

<section aria-labelledby="sample-heading">
  <h2 id="sample-heading">Sample</h2>
  <form id="sample-form">
    <p>
      <label for="prime">Prime</label>
      <input id="prime" type="text" value="The " size="30" />
    </p>
    <p>
      <label for="temperature">Temperature</label>
      <input id="temperature" type="range" min="0" max="2" step="0.05" value="0.8" />
      <output id="temperature-value" for="temperature"></output>
      <label for="top-p">Top-p</label>
      <input id="top-p" type="range" min="0" max="1" step="0.01" value="1" />
      <output id="top-p-value" for="top-p"></output>
    </p>
    <p>
      <label for="length">Length</label>
      <input id="length" type="range" min="1" max="2000" step="1" value="200" />
      <output id="length-value" for="length"></output>
      <label for="seed">Seed</label>
      <input id="seed" type="number" min="0" max="4294967295" step="1" placeholder="random" />
    </p>
    <p>
      <button type="submit">Sample</button>
      <button type="button" id="sample-stop" disabled>Stop</button>
      <span id="sample-status" class="status" aria-live="polite"></span>
    </p>
  </form>
  <p id="sample-error" class="error" role="alert" hidden></p>
  <pre id="sample-output" aria-label="sample"></pre>
</section>

<section aria-labelledby="fill-heading">
  <h2 id="fill-heading">Fill gaps</h2>
  <form id="fill-form">
    <label for="fill-text">Sentence: _ is one missing character, * a gap of 1 to 8</label>
    <input id="fill-text" type="text" value="The old m_ll is by the r*." size="40" />
    <button type="submit">Fill</button>
  </form>
  <p id="fill-error" class="error" role="alert" hidden></p>
  <ol id="fill-output"></ol>
</section>
`;
