// Renders formulas the way GitHub would and says which ones fail, in which engine, and why.
//
// Input (a file named as the first argument, or standard input): a JSON list of
//   {"file": "...", "line": 12, "display": true, "tex": "..."}
// Output (standard output): one JSON object
//   {"engines": {...}, "checked": N, "timing_ms": {...},
//    "failures": [{"index": i, "file", "line", "display", "engine", "message", "tex"}]}
// Exit status: 0 when the run itself worked (failures or not), 2 on bad input.
//
// Three checks per formula, each reported as its own "engine":
//   github   - macros GitHub refuses before MathJax sees them ("The following macros are not
//              allowed: operatorname"); see GITHUB_REFUSED below.
//   mathjax  - MathJax 3 (what GitHub renders Markdown math with), TeX input with base, ams and a
//              conservative subset of the extensions GitHub was observed to enable. Neither
//              noundefined nor noerrors is loaded, and errors are thrown rather than drawn as a red
//              box, so an undefined macro or a parse error is a failure.
//   katex    - KaTeX with throwOnError and strict: "error": stricter than MathJax, so a formula
//              that passes it is portable to the other common Markdown renderers too.
//
// Test tooling only (tests/test_tex_render.py drives it); not used by dlverify itself.

import { readFileSync } from 'node:fs';
import { performance } from 'node:perf_hooks';

const t0 = performance.now();

const { mathjax } = await import('mathjax-full/js/mathjax.js');
const { TeX } = await import('mathjax-full/js/input/tex.js');
const { liteAdaptor } = await import('mathjax-full/js/adaptors/liteAdaptor.js');
const { RegisterHTMLHandler } = await import('mathjax-full/js/handlers/html.js');
const { STATE } = await import('mathjax-full/js/core/MathItem.js');

// base and ams, plus the extensions GitHub was observed to enable that a generated report could
// plausibly lean on. Left out on purpose (GitHub has some of them, but nothing here needs them and
// KaTeX lacks most): mathtools, braket, bussproofs, empheq, enclose, mhchem, unicode, verb, and
// newcommand, require, html, setoptions, physics (GitHub does not enable those).
const PACKAGES = ['base', 'ams', 'boldsymbol', 'textmacros'];
for (const pkg of PACKAGES) {
  const name = { base: 'Base', ams: 'Ams', boldsymbol: 'Boldsymbol', textmacros: 'TextMacros' }[pkg];
  await import(`mathjax-full/js/input/tex/${pkg}/${name}Configuration.js`);
}

// Macros GitHub strips or refuses in Markdown math although MathJax knows them (GitHub removed
// macros that can override others or draw invisible text in 2023; reported publicly for
// \operatorname, \mbox and \phantom, and for the definition commands of ams, color and
// mathtools). \hphantom and \vphantom are listed with \phantom on the same grounds.
const GITHUB_REFUSED = new Set([
  'operatorname', 'DeclareMathOperator', 'mbox', 'phantom', 'hphantom', 'vphantom',
  'colorbox', 'fcolorbox', 'definecolor',
  'DeclarePairedDelimiter', 'DeclarePairedDelimiterX', 'DeclarePairedDelimiterXPP',
]);

const adaptor = liteAdaptor();
RegisterHTMLHandler(adaptor);
const tex = new TeX({
  packages: PACKAGES,
  formatError: (jax, err) => { throw err; },
});
const html = mathjax.document('', { InputJax: tex });
const t1 = performance.now();

const katexModule = await import('katex');
const katex = katexModule.default ?? katexModule;
const t2 = performance.now();

function controlWords(text) {
  // \name (letters) is a control word; \ followed by any other character is a control symbol
  // (so the row break \\ followed by "e" is not the macro \e).
  const words = [];
  for (let i = 0; i < text.length; i++) {
    if (text[i] !== '\\') continue;
    let j = i + 1;
    while (j < text.length && /[A-Za-z]/.test(text[j])) j++;
    if (j === i + 1) { i++; continue; }
    words.push(text.slice(i + 1, j));
    i = j - 1;
  }
  return words;
}

function checkGithub(item) {
  const refused = [...new Set(controlWords(item.tex).filter((w) => GITHUB_REFUSED.has(w)))];
  if (refused.length === 0) return null;
  return 'GitHub refuses these macros in Markdown math (its message: "The following macros are not allowed: '
    + refused.join(', ') + '"): ' + refused.map((w) => '\\' + w).join(', ');
}

function checkMathjax(item) {
  try {
    const root = html.convert(item.tex, { display: item.display, end: STATE.CONVERT });
    // an error drawn into the tree rather than thrown (none is expected with formatError set)
    let drawn = null;
    root.walkTree((node) => {
      if (drawn === null && node.isKind('merror')) drawn = node.attributes.get('data-mjx-error') || 'merror in the output';
    });
    return drawn;
  } catch (err) {
    return String(err && err.message ? err.message : err);
  }
}

function checkKatex(item) {
  try {
    katex.renderToString(item.tex, { displayMode: item.display, throwOnError: true, strict: 'error', trust: false });
    return null;
  } catch (err) {
    return String(err && err.message ? err.message : err);
  }
}

function fail(message) {
  process.stderr.write(`check_tex.mjs: ${message}\n`);
  process.exit(2);
}

let raw;
try {
  raw = process.argv[2] && process.argv[2] !== '-' ? readFileSync(process.argv[2], 'utf8') : readFileSync(0, 'utf8');
} catch (err) {
  fail(`cannot read the input (${err.message}); give a JSON file as the first argument or on standard input`);
}
let items;
try {
  items = JSON.parse(raw);
} catch (err) {
  fail(`the input is not JSON (${err.message}); expected a list of {"file", "line", "display", "tex"}`);
}
if (!Array.isArray(items)) fail('the input must be a JSON list of {"file", "line", "display", "tex"}');
items.forEach((item, i) => {
  if (!item || typeof item.tex !== 'string' || typeof item.display !== 'boolean') {
    fail(`item ${i} (${JSON.stringify(item).slice(0, 120)}) needs "tex" (a string) and "display" (true or false)`);
  }
});

const failures = [];
const engineMs = { github: 0, mathjax: 0, katex: 0 };
let slowest = { ms: 0, index: -1 };
const t3 = performance.now();
items.forEach((item, index) => {
  const start = performance.now();
  for (const [engine, check] of [['github', checkGithub], ['mathjax', checkMathjax], ['katex', checkKatex]]) {
    const before = performance.now();
    const message = check(item);
    engineMs[engine] += performance.now() - before;
    if (message !== null) {
      failures.push({ index, file: item.file ?? null, line: item.line ?? null, display: item.display, engine, message, tex: item.tex });
    }
  }
  const ms = performance.now() - start;
  if (ms > slowest.ms) slowest = { ms, index };
});
const t4 = performance.now();

const round = (x) => Math.round(x * 1000) / 1000;
process.stdout.write(JSON.stringify({
  engines: {
    mathjax: mathjax.version,
    mathjax_packages: PACKAGES,
    katex: katex.version,
    github_refused: [...GITHUB_REFUSED],
  },
  checked: items.length,
  timing_ms: {
    mathjax_load: round(t1 - t0),
    katex_load: round(t2 - t1),
    render_total: round(t4 - t3),
    per_formula_mean: round(items.length ? (t4 - t3) / items.length : 0),
    per_engine_total: Object.fromEntries(Object.entries(engineMs).map(([k, v]) => [k, round(v)])),
    slowest_formula: { ms: round(slowest.ms), index: slowest.index },
  },
  failures,
}, null, 1) + '\n');
