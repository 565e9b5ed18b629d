/**
 * Bounded capture of a child's output: a line splitter that never holds more than one line's worth of
 * line (a program printing 1 GB without a newline must not grow the worker's memory), and a tail that
 * keeps only the last bytes of the log for the trial's fail reason.
 */
import { StringDecoder } from 'node:string_decoder';

/** Keeps the last `maxChars` characters (UTF-16 units) of the text appended. */
export class TailBuffer {
  private chunks: string[] = [];
  private size = 0;
  private dropped = false;

  constructor(private readonly maxChars: number) {}

  append(text: string): void {
    if (text.length === 0) return;
    this.chunks.push(text);
    this.size += text.length;
    while (this.size > this.maxChars && this.chunks.length > 0) {
      const over = this.size - this.maxChars;
      const first = this.chunks[0];
      if (first.length <= over) {
        this.chunks.shift();
        this.size -= first.length;
      } else {
        this.chunks[0] = first.slice(over);
        this.size -= over;
      }
      this.dropped = true;
    }
  }

  /** The tail, starting with `…` when older text was dropped. */
  toString(): string {
    const text = this.chunks.join('');
    this.chunks = text ? [text] : [];
    return this.dropped ? `…${text}` : text;
  }
}

/**
 * Splits a byte stream into lines (UTF-8). A line longer than `maxLineChars` is cut: its first part is
 * emitted with `truncated: true` and the rest, up to the next newline, is skipped.
 */
export class LineSplitter {
  private readonly decoder = new StringDecoder('utf8');
  private partial = '';
  private skipping = false;

  constructor(
    private readonly maxLineChars: number,
    private readonly onLine: (line: string, truncated: boolean) => void,
  ) {}

  push(chunk: Buffer): void {
    this.feed(this.decoder.write(chunk));
  }

  /** Flushes the last line when the stream ends without a newline. */
  end(): void {
    this.feed(this.decoder.end());
    if (this.partial.length > 0 && !this.skipping) this.onLine(this.partial, false);
    this.partial = '';
    this.skipping = false;
  }

  private feed(text: string): void {
    let start = 0;
    while (start < text.length) {
      const nl = text.indexOf('\n', start);
      const piece = nl < 0 ? text.slice(start) : text.slice(start, nl);
      if (!this.skipping) {
        this.partial += piece;
        if (this.partial.length > this.maxLineChars) {
          this.onLine(this.partial.slice(0, this.maxLineChars), true);
          this.partial = '';
          this.skipping = nl < 0;
        } else if (nl >= 0) {
          this.onLine(this.partial, false);
          this.partial = '';
        }
      } else if (nl >= 0) {
        this.skipping = false;
      }
      if (nl < 0) break;
      start = nl + 1;
    }
  }
}
