import net from 'node:net';
import { WriteBatch } from '../../../src/provider/write-batch';

let server: net.Server;
let client: net.Socket;
let peer: net.Socket;

beforeEach(async () => {
  server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const accepted = new Promise<net.Socket>((resolve) => server.once('connection', resolve));
  client = net.connect((server.address() as net.AddressInfo).port, '127.0.0.1');
  await new Promise<void>((resolve) => client.once('connect', () => resolve()));
  peer = await accepted;
});

afterEach(async () => {
  client.destroy();
  peer.destroy();
  await new Promise<void>((resolve) => server.close(() => resolve()));
});

const turn = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

test('frames written in one turn stay corked until the turn ends, then leave in order', async () => {
  const batch = new WriteBatch();
  const received: Buffer[] = [];
  peer.on('data', (chunk: Buffer) => received.push(chunk));
  batch.hold(client);
  client.write('one,');
  batch.hold(client); // the same socket again in the same turn: still one cork
  client.write('two,');
  expect(client.writableCorked).toBe(1);
  expect(client.writableLength).toBe(8); // nothing has gone to the kernel yet
  expect(batch.size).toBe(1);
  await turn();
  expect(client.writableCorked).toBe(0);
  expect(batch.size).toBe(0);
  batch.hold(client);
  client.write('three');
  expect(client.writableCorked).toBe(1); // a later turn corks again
  while (Buffer.concat(received).length < 13) await turn();
  expect(Buffer.concat(received).toString()).toBe('one,two,three');
});

test('a socket ended before the turn ends still gets its frames; a destroyed one is not held', async () => {
  const batch = new WriteBatch();
  const received: Buffer[] = [];
  peer.on('data', (chunk: Buffer) => received.push(chunk));
  const ended = new Promise<void>((resolve) => peer.once('end', () => resolve()));
  batch.hold(client);
  client.write('bye');
  client.end(); // end() uncorks by itself
  expect(client.writableCorked).toBe(0);
  await turn();
  expect(client.writableCorked).toBe(0); // the flush did not uncork it twice
  await ended;
  expect(Buffer.concat(received).toString()).toBe('bye');
  peer.destroy();
  batch.hold(peer);
  expect(batch.size).toBe(0);
  expect(peer.writableCorked).toBe(0);
});
