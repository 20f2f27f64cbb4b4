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
  const frame = emptyFrame(length);
  frame.write(text, frame.length - length, length, 'utf8');
  return frame;
}

/**
 * {@link textFrame} of `before + middle + after`, where `middle` is text already encoded (the cached JSON of a shared
 * frozen object): copied, not encoded again, and the message never needs to exist as one string.
 */
export function splicedTextFrame(before: string, middle: Buffer, after: string): Buffer {
  const beforeBytes = Buffer.byteLength(before);
  const afterBytes = Buffer.byteLength(after);
  const length = beforeBytes + middle.length + afterBytes;
  const frame = emptyFrame(length);
  let at = frame.length - length;
  at += frame.write(before, at, beforeBytes, 'utf8');
  at += middle.copy(frame, at);
  frame.write(after, at, afterBytes, 'utf8');
  return frame;
}

/** Bytes of a frame's payload (its message), as the fan-out byte limit counts them. */
export function framePayloadBytes(frame: Buffer): number {
  return frame.length - headerBytes(frame[1] & 0x7f);
}

/** A text frame's header for a `length`-byte payload, followed by room for the payload. */
function emptyFrame(length: number): Buffer {
  const mark = length < 126 ? length : length < 65_536 ? 126 : 127;
  // Under 4 KiB this is a slice of Node's shared pool: no allocation of its own for most events.
  const frame = Buffer.allocUnsafe(headerBytes(mark) + length);
  frame[0] = 0x81; // FIN + text
  frame[1] = mark;
  if (mark === 126) {
    frame.writeUInt16BE(length, 2);
  } else if (mark === 127) {
    frame.writeUInt32BE(Math.floor(length / 2 ** 32), 2);
    frame.writeUInt32BE(length >>> 0, 6);
  }
  return frame;
}

/** Header size for the 7-bit length mark of the second byte: 2, or 4 with a 16-bit length, or 10 with a 64-bit one. */
function headerBytes(mark: number): number {
  return mark < 126 ? 2 : mark === 126 ? 4 : 10;
}
