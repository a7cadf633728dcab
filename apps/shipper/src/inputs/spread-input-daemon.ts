/**
 * The spread input's embedded daemon: a ringlog Daemon that also tells the input's telemetry
 * what its sessions do, and can stop reading every open session at once for backpressure.
 *
 * The Daemon is its sessions' host: each Session calls onOpen, onEnd, onRejected and
 * onProtocolError on it. This subclass hooks those calls (always calling the daemon's own
 * first), which is the one place that sees every session without changing the daemon.
 *
 * Backpressure: pausing a session's socket stops the kernel reads, so a sender's writes back
 * up in TCP/unix buffers until its own send blocks, as it would against a busy Spread daemon.
 * Frames of a chunk already read are still handled, so at most one read per session arrives
 * after the pause. Handshakes carry no lines and are left to finish; a session opened while
 * paused starts paused.
 */
import { Daemon, type DaemonDependencies, type DaemonOptions, SessionEndReason } from '@ringlog/daemon';
import { type Hello, ResultCode, type WireProtocolError } from '@ringlog/wire';
import type { SpreadInputTelemetry } from './spread-input-telemetry.ts';

/** The daemon's session class, which its package does not export by name. */
type DaemonSession = Parameters<Daemon['onOpen']>[0];

export class SpreadInputDaemon extends Daemon {
  readonly #telemetry: SpreadInputTelemetry;
  /** Sessions past their handshake: the sockets that carry lines. */
  readonly #open = new Set<DaemonSession>();
  #readingPaused = false;

  constructor(options: DaemonOptions, deps: DaemonDependencies, telemetry: SpreadInputTelemetry) {
    super(options, deps);
    this.#telemetry = telemetry;
  }

  get readingPaused(): boolean {
    return this.#readingPaused;
  }

  /** Stops reading every open session, and every one that opens until resumeReading(). */
  pauseReading(): void {
    if (this.#readingPaused) return;
    this.#readingPaused = true;
    for (const session of this.#open) session.socket.pause();
    this.#telemetry.readingPaused(this.#open.size);
  }

  resumeReading(): void {
    if (!this.#readingPaused) return;
    this.#readingPaused = false;
    for (const session of this.#open) session.socket.resume();
    this.#telemetry.readingResumed(this.#open.size);
  }

  override onOpen(session: DaemonSession, hello: Hello): void {
    super.onOpen(session, hello);
    this.#open.add(session);
    this.#telemetry.sessionOpened();
    if (this.#readingPaused) session.socket.pause();
  }

  override onEnd(session: DaemonSession, reason: SessionEndReason): void {
    super.onEnd(session, reason);
    if (this.#open.delete(session)) {
      // Our own shutdown cuts senders mid-frame; that is not their fault.
      const partial = reason === SessionEndReason.DAEMON_SHUTDOWN ? 0 : session.partialFrameBytes;
      this.#telemetry.sessionEnded(session.privateGroup as string, partial);
      return;
    }
    if (reason === SessionEndReason.CLIENT_CLOSED) this.#telemetry.handshakeAbandoned(session.remote);
  }

  override onRejected(session: DaemonSession, code: number, reason: string): void {
    super.onRejected(session, code, reason);
    this.#telemetry.sessionRejected(code === ResultCode.REJECT_QUOTA);
  }

  override onProtocolError(session: DaemonSession, error: WireProtocolError): void {
    super.onProtocolError(session, error);
    this.#telemetry.protocolViolation();
  }
}
