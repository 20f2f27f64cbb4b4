// A WebSocket client at the frame level, over a plain TCP socket: to send what no WebSocket library would (thousands
// of fragments, unmasked frames, pings without reading) and to read the server's close frame and code as sent.
import { connect, type Socket } from 'node:net';
import { randomBytes } from 'node:crypto';

export const OP = { continuation: 0x0, text: 0x1, binary: 0x2, close: 0x8, ping: 0x9, pong: 0xa } as const;

/** One client frame (masked unless `masked: false`). */
export function frame(
  opcode: number,
  payload: Buffer = Buffer.alloc(0),
  opts: { fin?: boolean; masked?: boolean } = {},
): Buffer {
  const fin = opts.fin ?? true;
  const masked = opts.masked ?? true;
  const len = payload.length;
  const head: number[] = [(fin ? 0x80 : 0) | opcode];
  const maskBit = masked ? 0x80 : 0;
  if (len < 126) head.push(maskBit | len);
  else if (len < 65536) head.push(maskBit | 126, len >> 8, len & 0xff);
  else throw new Error('frame(): payloads up to 64 KiB');
  if (!masked) return Buffer.concat([Buffer.from(head), payload]);
  const mask = randomBytes(4);
  const body = Buffer.from(payload.map((b, i) => b ^ mask[i % 4]));
  return Buffer.concat([Buffer.from(head), mask, body]);
}

/** What the server sent, parsed as frames. */
export interface ServerFrame {
  opcode: number;
  payload: Buffer;
}

/** A raw client: the upgrade is done, `frames` fill as the server sends, `ended` when the TCP connection ends. */
export interface RawClient {
  socket: Socket;
  frames: ServerFrame[];
  ended: Promise<void>;
  /** The close frame's code, or undefined when the connection ended without one. */
  closeCode(): number | undefined;
  /** Resolves with the close code once a close frame arrived or the connection ended (undefined: no close frame). */
  closed(): Promise<number | undefined>;
}

/** Opens a TCP connection to `wsUrl`, upgrades with a Bearer token, and parses every server frame. */
export async function rawConnect(wsUrl: string, token: string): Promise<RawClient> {
  const url = new URL(wsUrl);
  const socket = connect(Number(url.port), url.hostname);
  socket.on('error', () => undefined);
  const frames: ServerFrame[] = [];
  let buffer: Buffer = Buffer.alloc(0);
  let upgraded = false;
  const ended = new Promise<void>((resolve) => socket.on('close', () => resolve()));
  await new Promise<void>((resolve, reject) => {
    socket.once('connect', () => {
      socket.write(
        [
          `GET ${url.pathname} HTTP/1.1`,
          `Host: ${url.host}`,
          'Upgrade: websocket',
          'Connection: Upgrade',
          `Sec-WebSocket-Key: ${randomBytes(16).toString('base64')}`,
          'Sec-WebSocket-Version: 13',
          `Authorization: Bearer ${token}`,
          '',
          '',
        ].join('\r\n'),
      );
    });
    socket.on('data', (chunk: Buffer) => {
      buffer = Buffer.concat([buffer, chunk]);
      if (!upgraded) {
        const end = buffer.indexOf('\r\n\r\n');
        if (end === -1) return;
        const head = buffer.subarray(0, end).toString();
        if (!head.startsWith('HTTP/1.1 101')) return reject(new Error(`upgrade refused: ${head.split('\r\n')[0]}`));
        upgraded = true;
        buffer = buffer.subarray(end + 4);
        resolve();
      }
      buffer = parseFrames(buffer, frames);
    });
    void ended.then(() => reject(new Error('closed before the upgrade')));
  });
  const closeCode = (): number | undefined => {
    const close = frames.find((f) => f.opcode === OP.close);
    return close !== undefined && close.payload.length >= 2 ? close.payload.readUInt16BE(0) : undefined;
  };
  const closed = async (): Promise<number | undefined> => {
    let done = false;
    void ended.then(() => (done = true));
    while (!done && !frames.some((f) => f.opcode === OP.close)) await new Promise((r) => setTimeout(r, 20));
    return closeCode();
  };
  return { socket, frames, ended, closeCode, closed };
}

/** Moves every complete (unmasked, server) frame of `buffer` into `out`; returns the rest. */
function parseFrames(buffer: Buffer, out: ServerFrame[]): Buffer {
  let rest = buffer;
  for (;;) {
    if (rest.length < 2) return rest;
    let len = rest[1] & 0x7f;
    let offset = 2;
    if (len === 126) {
      if (rest.length < 4) return rest;
      len = rest.readUInt16BE(2);
      offset = 4;
    } else if (len === 127) {
      if (rest.length < 10) return rest;
      len = Number(rest.readBigUInt64BE(2));
      offset = 10;
    }
    if (rest.length < offset + len) return rest;
    out.push({ opcode: rest[0] & 0x0f, payload: Buffer.from(rest.subarray(offset, offset + len)) });
    rest = rest.subarray(offset + len);
  }
}
