/**
 * A tiny XML well-formedness checker and parser for the tests (no dependency): one root
 * element, tags that nest and close, quoted attributes without duplicates, no raw '<' or
 * stray '&' in text or attribute values, only the five named entities and character
 * references. Throws on the first problem; returns the element tree.
 */
export interface XmlElement {
  name: string;
  attrs: Record<string, string>;
  children: XmlElement[];
  text: string;
}

const NAME = /^[A-Za-z_:][-A-Za-z0-9_:.]*/;
const ENTITY = /^&(amp|lt|gt|quot|apos|#[0-9]+|#x[0-9a-fA-F]+);/;
const DECODE: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };

function decode(raw: string, where: string): string {
  let out = '';
  for (let i = 0; i < raw.length; i++) {
    const c = raw[i];
    if (c === '<') throw new Error(`raw '<' in ${where}`);
    if (c !== '&') {
      out += c;
      continue;
    }
    const m = ENTITY.exec(raw.slice(i));
    if (!m) throw new Error(`stray '&' in ${where}: ${raw.slice(i, i + 12)}`);
    const e = m[1];
    out += e.startsWith('#x')
      ? String.fromCodePoint(parseInt(e.slice(2), 16))
      : e.startsWith('#')
        ? String.fromCodePoint(Number(e.slice(1)))
        : DECODE[e];
    i += m[0].length - 1;
  }
  return out;
}

export function parseXml(source: string): XmlElement {
  let i = 0;
  if (source.startsWith('<?xml')) {
    i = source.indexOf('?>');
    if (i < 0) throw new Error('unterminated XML declaration');
    i += 2;
  }
  const stack: XmlElement[] = [];
  let root: XmlElement | null = null;
  while (i < source.length) {
    if (source[i] !== '<') {
      const end = source.indexOf('<', i);
      const raw = source.slice(i, end < 0 ? source.length : end);
      const text = decode(raw, 'text');
      if (stack.length === 0) {
        if (text.trim() !== '') throw new Error(`text outside the root element: ${text.slice(0, 20)}`);
      } else stack[stack.length - 1].text += text;
      i += raw.length;
      continue;
    }
    if (source.startsWith('</', i)) {
      const m = NAME.exec(source.slice(i + 2));
      const close = source.indexOf('>', i);
      if (!m || close < 0 || source.slice(i + 2 + m[0].length, close).trim() !== '') throw new Error(`bad closing tag at ${i}`);
      const open = stack.pop();
      if (!open || open.name !== m[0]) throw new Error(`</${m[0]}> closes <${open?.name ?? 'nothing'}>`);
      i = close + 1;
      continue;
    }
    const m = NAME.exec(source.slice(i + 1));
    if (!m) throw new Error(`bad tag at ${i}: ${source.slice(i, i + 20)}`);
    const el: XmlElement = { name: m[0], attrs: {}, children: [], text: '' };
    i += 1 + m[0].length;
    for (;;) {
      const ws = /^\s*/.exec(source.slice(i))![0];
      i += ws.length;
      if (source.startsWith('/>', i) || source[i] === '>') break;
      if (ws === '') throw new Error(`<${el.name}>: attributes must be separated by spaces`);
      const a = /^([A-Za-z_:][-A-Za-z0-9_:.]*)\s*=\s*("([^"]*)"|'([^']*)')/.exec(source.slice(i));
      if (!a) throw new Error(`<${el.name}>: bad attribute at ${source.slice(i, i + 30)}`);
      if (a[1] in el.attrs) throw new Error(`<${el.name}>: attribute ${a[1]} given twice`);
      el.attrs[a[1]] = decode(a[3] ?? a[4], `attribute ${a[1]}`);
      i += a[0].length;
    }
    if (stack.length > 0) stack[stack.length - 1].children.push(el);
    else if (root === null) root = el;
    else throw new Error('more than one root element');
    if (source.startsWith('/>', i)) i += 2;
    else {
      i += 1;
      stack.push(el);
    }
  }
  if (stack.length > 0) throw new Error(`<${stack[stack.length - 1].name}> is never closed`);
  if (root === null) throw new Error('no root element');
  return root;
}

/** Every element of the tree, depth first. */
export function allElements(el: XmlElement): XmlElement[] {
  return [el, ...el.children.flatMap(allElements)];
}
