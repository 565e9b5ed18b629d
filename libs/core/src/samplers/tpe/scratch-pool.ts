/**
 * Scratch memory for one model at a time: `float(n)` and `int(n)` hand out consecutive views of two
 * growing buffers, `reset()` starts over. The Parzen estimators of an ask are built, used and dropped
 * one after the other, so their working arrays (as long as the history) reuse the same memory
 * instead of being allocated on every ask.
 */
export class ScratchPool {
  private floats = new Float64Array(1024);
  private floatsUsed = 0;
  private ints = new Int32Array(1024);
  private intsUsed = 0;

  /** Forgets every view handed out so far (their memory will be handed out again). */
  reset(): void {
    this.floatsUsed = 0;
    this.intsUsed = 0;
  }

  /** A zero-filled view of `n` doubles, valid until the next `reset`. */
  float(n: number): Float64Array {
    if (this.floatsUsed + n > this.floats.length) {
      // Views already handed out keep the old buffer alive until they are dropped.
      this.floats = new Float64Array(Math.max(2 * this.floats.length, 4 * n));
      this.floatsUsed = 0;
    }
    const view = this.floats.subarray(this.floatsUsed, this.floatsUsed + n);
    this.floatsUsed += n;
    return view.fill(0);
  }

  /** A zero-filled view of `n` 32-bit integers, valid until the next `reset`. */
  int(n: number): Int32Array {
    if (this.intsUsed + n > this.ints.length) {
      this.ints = new Int32Array(Math.max(2 * this.ints.length, 4 * n));
      this.intsUsed = 0;
    }
    const view = this.ints.subarray(this.intsUsed, this.intsUsed + n);
    this.intsUsed += n;
    return view.fill(0);
  }
}
