/** The helper processes of the shipper benchmark, started and driven over IPC. */
import type { ChildProcess } from 'node:child_process';
import { setPriority } from 'node:os';
import { ask, forkTs, REPO_ROOT, stopChild } from './processes.ts';
import type { WriterPart } from './shipper-lines.ts';
import type { ReceiverStatus, ReceiverVerdict } from './shipper-receiver.ts';
import type { SinkStatus } from './shipper-sink.ts';
import type { WriterDone, WriterPrepare } from './shipper-writer.ts';

const START_TIMEOUT_MS = 30_000;
/**
 * The receiver is the measuring instrument: it runs at a higher scheduling priority so that, on
 * two shared cores, it is not the process left behind. ringlogd drops a member whose queue passes
 * 1,000 messages (64 MiB), as Spread does, and the run would then fail on lost lines.
 */
const RECEIVER_NICE = -10;

/** ask(), but a helper that already exited fails the request at once instead of never answering. */
export function askHelper<T>(child: ChildProcess, message: unknown, what: string): Promise<T> {
  if (child.exitCode !== null || child.signalCode !== null || !child.connected) {
    return Promise.reject(new Error(`${what} is gone (exit ${child.exitCode ?? child.signalCode})`));
  }
  return ask<T>(child, message);
}

/** The first message a helper sends, which says it is ready. */
function firstMessage<T>(child: ChildProcess, what: string): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${what} did not get ready in time`)), START_TIMEOUT_MS);
    const onExit = (code: number | null): void => {
      clearTimeout(timer);
      reject(new Error(`${what} exited with ${code}`));
    };
    child.once('exit', onExit);
    child.once('message', (message) => {
      clearTimeout(timer);
      child.off('exit', onExit);
      resolve(message as T);
    });
  });
}

export interface Receiver {
  readonly child: ChildProcess;
  status(): Promise<ReceiverStatus>;
  verify(count: number, firstSeqs: readonly number[]): Promise<ReceiverVerdict>;
  stop(): Promise<void>;
}

/** A client joined to `group` on the daemon at `endpoint`, counting what it receives. */
export async function startReceiver(endpoint: string, group: string): Promise<Receiver> {
  const child = forkTs(`${REPO_ROOT}test/bench/src/shipper-receiver.ts`, [endpoint, group]);
  try {
    setPriority(child.pid as number, RECEIVER_NICE);
  } catch {
    // Not permitted (not root): the receiver runs at normal priority.
  }
  await firstMessage(child, 'the receiver');
  return {
    child,
    status: () => askHelper<ReceiverStatus>(child, { status: true }, 'the receiver'),
    verify: (count, firstSeqs) => askHelper<ReceiverVerdict>(child, { verify: { count, firstSeqs } }, 'the receiver'),
    stop: () => stopChild(child),
  };
}

export interface Sink {
  readonly child: ChildProcess;
  status(): Promise<SinkStatus>;
  stop(): Promise<void>;
}

/** The baseline: a bare Node unix-socket server at `path` that counts newlines. */
export async function startSink(path: string): Promise<Sink> {
  const child = forkTs(`${REPO_ROOT}test/bench/src/shipper-sink.ts`, [path]);
  await firstMessage(child, 'the sink');
  return { child, status: () => askHelper<SinkStatus>(child, { status: true }, 'the sink'), stop: () => stopChild(child) };
}

export interface Writers {
  /** Writes every share at once; resolves when all are handed to the kernel. */
  go(): Promise<WriterDone[]>;
  stop(): Promise<void>;
}

/** `processes` writer processes sharing the connections (one per part), connected and ready to write. */
export async function startWriters(file: string, path: string, parts: readonly WriterPart[], processes: number): Promise<Writers> {
  const children = Array.from({ length: Math.min(processes, parts.length) }, () => forkTs(`${REPO_ROOT}test/bench/src/shipper-writer.ts`, []));
  try {
    const replies = await Promise.all(
      children.map((child, i) => {
        const prepare: WriterPrepare = { file, path, parts: parts.filter((_, part) => part % children.length === i) };
        return askHelper<{ ready: boolean; error?: string }>(child, { prepare }, 'a writer');
      }),
    );
    const failed = replies.find((reply) => !reply.ready);
    if (failed !== undefined) throw new Error(`a writer could not start: ${failed.error}`);
  } catch (error) {
    await Promise.all(children.map((child) => stopChild(child)));
    throw error;
  }
  return {
    go: () => Promise.all(children.map((child) => askHelper<WriterDone>(child, { go: true }, 'a writer'))),
    stop: async () => {
      await Promise.all(children.map((child) => stopChild(child)));
    },
  };
}
