/** A FIFO with a fixed capacity; O(1) push and shift without Array.shift's copying. */
export class BoundedQueue<T> {
  #items: (T | undefined)[] = [];
  #head = 0;

  constructor(readonly capacity: number) {}

  get length(): number {
    return this.#items.length - this.#head;
  }

  get full(): boolean {
    return this.length >= this.capacity;
  }

  /** False when full: the caller decides what happens to the item. */
  push(item: T): boolean {
    if (this.full) return false;
    this.#items.push(item);
    return true;
  }

  shift(): T | undefined {
    if (this.length === 0) return undefined;
    const item = this.#items[this.#head];
    this.#items[this.#head++] = undefined;
    if (this.#head > 1024 && this.#head * 2 > this.#items.length) {
      this.#items = this.#items.slice(this.#head);
      this.#head = 0;
    }
    return item;
  }

  /** Empties the queue, returning what it held in order. */
  drain(): T[] {
    const out = this.#items.slice(this.#head) as T[];
    this.#items = [];
    this.#head = 0;
    return out;
  }
}
