/**
 * A small terminal screen: enough of a VT100 to see what a person would see after a program's
 * output (text, carriage return and newline, line wrap, cursor up/down/left/right, erase to the end
 * of the screen or line; colours and other modes are dropped). Lines that scroll off the top
 * are kept, as in a terminal's scrollback.
 */
export class Screen {
  readonly lines: string[][] = [[]];
  row = 0;
  col = 0;

  constructor(readonly columns = 80) {}

  write(data: string): this {
    for (let i = 0; i < data.length; i++) {
      const ch = data[i]!;
      if (ch === '\u001b') {
        const m = /^\u001b\[([?>]?)([0-9;]*)([A-Za-z@])/.exec(data.slice(i)) ?? /^\u001b[()][0-9A-Za-z]|^\u001b./.exec(data.slice(i));
        if (m === null) break;
        if (m.length === 4 && m[1] === '') this.#csi(m[2]!, m[3]!);
        i += m[0].length - 1;
      } else if (ch === '\r') this.col = 0;
      else if (ch === '\n') {
        // A pty turns \n into \r\n (onlcr); programs writing to one count on it.
        this.row++;
        this.col = 0;
      } else if (ch === '\b') this.col = Math.max(0, this.col - 1);
      else if (ch >= ' ' || ch === '\t') this.#put(ch);
    }
    return this;
  }

  /** The screen's text, line by line, without trailing spaces or trailing empty lines. */
  text(): string[] {
    const out = this.lines.map((l) => l.join('').trimEnd());
    while (out.length > 0 && out.at(-1) === '') out.pop();
    return out;
  }

  #line(row: number): string[] {
    while (this.lines.length <= row) this.lines.push([]);
    return this.lines[row]!;
  }

  #put(ch: string): void {
    if (this.col >= this.columns) {
      this.row++;
      this.col = 0;
    }
    const line = this.#line(this.row);
    while (line.length < this.col) line.push(' ');
    line[this.col++] = ch;
  }

  #csi(params: string, command: string): void {
    const n = Number(params.split(';')[0] || '0');
    switch (command) {
      case 'A':
        this.row = Math.max(0, this.row - Math.max(1, n));
        break;
      case 'B':
        this.row += Math.max(1, n);
        break;
      case 'C':
        this.col += Math.max(1, n);
        break;
      case 'D':
        this.col = Math.max(0, this.col - Math.max(1, n));
        break;
      case 'G':
        this.col = Math.max(0, n - 1);
        break;
      case 'J':
        if (n === 0) {
          this.#line(this.row).length = Math.min(this.#line(this.row).length, this.col);
          this.lines.length = this.row + 1;
        }
        break;
      case 'K':
        if (n === 0) this.#line(this.row).length = Math.min(this.#line(this.row).length, this.col);
        break;
      default:
      // Colours (m) and modes change nothing a test reads.
    }
  }
}
