/**
 * The WebSocket frame a server sends for one text message (RFC 6455 section 5.2: FIN, opcode text, no mask, no
 * extension bits, the payload in one frame), as one Buffer: byte for byte what `ws.send(text)` writes on a
 * connection without permessage-deflate (the provider never negotiates it). Built once per event and written as it
 * is to every connection of the user: no per-connection encoding, length scan or header.
 *
 * @example
 * socket.write(textFrame('{"type":"agent_started"}'));
 */
export function textFrame(text: string): Buffer {
  const length = Buffer.byteLength(text);
  const header = length < 126 ? 2 : length < 65_536 ? 4 : 10;
  // Under 4 KiB this is a slice of Node's shared pool: no allocation of its own for most events.
  const frame = Buffer.allocUnsafe(header + length);
  frame[0] = 0x81; // FIN + text
  if (header === 2) {
    frame[1] = length;
  } else if (header === 4) {
    frame[1] = 126;
    frame.writeUInt16BE(length, 2);
  } else {
    frame[1] = 127;
    frame.writeUInt32BE(Math.floor(length / 2 ** 32), 2);
    frame.writeUInt32BE(length >>> 0, 6);
  }
  frame.write(text, header, length, 'utf8');
  return frame;
}

/** Bytes of a frame's payload (its message), as the fan-out byte limit counts them. */
export function framePayloadBytes(frame: Buffer): number {
  const mark = frame[1] & 0x7f;
  return frame.length - (mark < 126 ? 2 : mark === 126 ? 4 : 10);
}
