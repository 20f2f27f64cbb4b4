import WebSocket from 'ws';
import { framePayloadBytes, splicedTextFrame, textFrame } from '../../../src/provider/ws-frame';

/** What ws itself writes for `ws.send(text)` on a server connection without permessage-deflate. */
function wsFrame(text: string): Buffer {
  const data = Buffer.from(text);
  const { Sender } = WebSocket as unknown as { Sender: { frame: (d: Buffer, o: object) => Buffer[] } };
  const list = Sender.frame(data, {
    fin: true,
    opcode: 1,
    mask: false,
    readOnly: true,
    rsv1: false,
  });
  return Buffer.concat(list);
}

test.each([0, 1, 125, 126, 127, 65_535, 65_536, 70_000])('a %i-byte text frame is what ws sends', (n) => {
  const text = 'x'.repeat(n);
  expect(textFrame(text).equals(wsFrame(text))).toBe(true);
  expect(framePayloadBytes(textFrame(text))).toBe(n);
});

test('utf-8 text: the length is in bytes, not characters', () => {
  const text = `{"reasoning":"prix: 12 € — ok ${'é'.repeat(70)}"}`;
  expect(textFrame(text).equals(wsFrame(text))).toBe(true);
  expect(framePayloadBytes(textFrame(text))).toBe(Buffer.byteLength(text));
});

test.each([10, 200, 70_000])('a frame spliced from parts (%i-byte middle) is the frame of the whole text', (n) => {
  const middle = `"${'ß'.repeat(n / 2)}"`;
  const text = `{"a":"€",${middle},"z":1}`;
  const frame = splicedTextFrame('{"a":"€",', Buffer.from(middle), ',"z":1}');
  expect(frame.equals(wsFrame(text))).toBe(true);
});
