/** Thrown at a loop boundary of a request the client cancelled; the handler answers RequestCancelled. */
export class Cancelled extends Error {
  constructor() {
    super('cancelled');
  }
}

/**
 * The budget of one long request. The server has one thread: a loop over the whole workspace
 * calls `tick()` at each step, which after a slice of work lets queued messages in (a
 * `$/cancelRequest`, an edit, a quick hover) and then stops the loop if the request was
 * cancelled meanwhile.
 */
export class Work {
  private sliceStart = Date.now();

  constructor(
    private readonly isCancelled: () => boolean = () => false,
    private readonly sliceMs = 10,
  ) {}

  get cancelled(): boolean {
    return this.isCancelled();
  }

  /** Stops here if the request was cancelled. */
  check(): void {
    if (this.isCancelled()) throw new Cancelled();
  }

  /** A loop boundary: yields to the event loop once a slice is used up, then stops if cancelled. */
  async tick(): Promise<void> {
    if (Date.now() - this.sliceStart < this.sliceMs) return;
    await new Promise((resolve) => setImmediate(resolve));
    this.sliceStart = Date.now();
    this.check();
  }
}
