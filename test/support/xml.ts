import { spawn } from 'node:child_process';

/** An element as Python's expat parser read it: namespace dropped from the tag. */
export interface XmlElement {
  readonly tag: string;
  readonly attrs: Readonly<Record<string, string>>;
  /** Its text, its children's included. */
  readonly text: string;
  readonly children: readonly XmlElement[];
}

// Python's ElementTree (expat): a strict XML parser that nobody here wrote. It refuses what is not
// well-formed (an unescaped `<` or `&`, a control character, a mismatched tag).
const SCRIPT = `
import json, sys
import xml.etree.ElementTree as ET
def conv(e):
    return {"tag": e.tag.split("}")[-1], "attrs": dict(e.attrib), "text": "".join(e.itertext()), "children": [conv(c) for c in e]}
try:
    root = ET.fromstring(sys.stdin.buffer.read())
except ET.ParseError as err:
    sys.stderr.write("not well-formed XML: %s" % err)
    sys.exit(1)
sys.stdout.write(json.dumps(conv(root)))
`;

export function parseXml(text: string, timeoutMs = 60_000): Promise<XmlElement> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.env.PYTHON ?? 'python3', ['-c', SCRIPT], { stdio: ['pipe', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (err += d));
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      if (code === 0) resolve(JSON.parse(out) as XmlElement);
      else reject(new Error(err || (code === null ? `python3 did not finish within ${timeoutMs} ms` : `python3 exited with ${code}`)));
    });
    child.stdin.end(text);
  });
}

/** Every element of the tree, depth first. */
export function* elements(root: XmlElement): Generator<XmlElement> {
  yield root;
  for (const c of root.children) yield* elements(c);
}
