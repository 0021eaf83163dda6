/**
 * What the client does when the language server process goes away without being asked to:
 * restart it, telling the user once, up to `maxRestarts` times within `windowMs`; after that
 * leave it stopped and say so, with an action to restart it by hand (`kuma.restartServer`).
 * Pure (no `vscode` import), so it is unit-tested and shared by every client.
 */

export interface RestartDecision {
  /** Start the server again. */
  restart: boolean;
  /** A message for the user, if this crash warrants one (the first of a series, or giving up). */
  message?: string;
  /** How to show the message: a warning after an automatic restart, an error when giving up. */
  severity?: 'warning' | 'error';
}

export const RESTART_SERVER_COMMAND = 'kuma.restartServer';
export const RESTART_ACTION = 'Restart the server';

export class RestartPolicy {
  private crashes: number[] = [];

  constructor(
    readonly maxRestarts = 4,
    readonly windowMs = 3 * 60_000,
    private readonly now: () => number = Date.now,
  ) {}

  /** The server's connection closed unexpectedly. */
  onCrash(): RestartDecision {
    const t = this.now();
    // Crashes older than the window are forgiven.
    this.crashes = this.crashes.filter((c) => t - c < this.windowMs);
    this.crashes.push(t);
    const minutes = Math.round(this.windowMs / 60_000);
    if (this.crashes.length > this.maxRestarts) {
      this.crashes = [];
      return {
        restart: false,
        severity: 'error',
        message: `The Kuma language server crashed ${this.maxRestarts + 1} times in ${minutes} minute${minutes === 1 ? '' : 's'} and was not restarted: Kuma files are no longer checked. See the Kuma output channel for the error, then restart it with "Kuma: Restart the language server".`,
      };
    }
    if (this.crashes.length === 1) {
      return {
        restart: true,
        severity: 'warning',
        message: 'The Kuma language server stopped unexpectedly and was restarted. See the Kuma output channel for the error.',
      };
    }
    // Further restarts of the same series only go to the output channel.
    return { restart: true };
  }

  /**
   * A transport error while the connection is open. A failed write (`writing`) is what a server
   * that just died looks like to messages already on their way: carry on, its closed connection
   * restarts it (shutting down here would stop the client for good). A reading error comes from a
   * live but garbled connection: carry on for a few, then shut it down.
   */
  onConnectionError(count: number | undefined, writing = false): 'continue' | 'shutdown' {
    if (writing) return 'continue';
    return count !== undefined && count <= 3 ? 'continue' : 'shutdown';
  }

  /** The user restarted the server by hand: start counting afresh. */
  reset(): void {
    this.crashes = [];
  }
}
