// A minimal TURN client (RFC 5766 over UDP, TCP or TLS, IPv4 peers, long-term credentials) for tests: Allocate,
// CreatePermission, Send and Data indications. Enough to ask a real coturn what it allows, and nothing more.
import { createHash, createHmac, randomBytes } from 'node:crypto';
import { createSocket, type Socket as UdpSocket } from 'node:dgram';
import { connect, type Socket as TcpSocket } from 'node:net';
import { connect as tlsConnect } from 'node:tls';

const MAGIC = 0x2112a442;
const ATTR = {
  username: 0x0006,
  messageIntegrity: 0x0008,
  errorCode: 0x0009,
  lifetime: 0x000d,
  xorPeerAddress: 0x0012,
  data: 0x0013,
  realm: 0x0014,
  nonce: 0x0015,
  xorRelayedAddress: 0x0016,
  requestedTransport: 0x0019,
} as const;
const METHOD = {
  allocate: 0x003,
  refresh: 0x004,
  createPermission: 0x008,
} as const;

interface Message {
  type: number;
  tid: Buffer;
  attrs: Map<number, Buffer>;
}

export interface TurnResult {
  ok: boolean;
  /** STUN error code (401 unauthorized, 403 forbidden ...) when not ok. */
  errorCode?: number;
  reason?: string;
  /** Relayed transport address, after a successful Allocate. */
  relayed?: { address: string; port: number };
}

function attr(type: number, value: Buffer): Buffer {
  const padded = Buffer.alloc(4 + value.length + ((4 - (value.length % 4)) % 4));
  padded.writeUInt16BE(type, 0);
  padded.writeUInt16BE(value.length, 2);
  value.copy(padded, 4);
  return padded;
}

function encode(type: number, tid: Buffer, attrs: [number, Buffer][], key?: Buffer): Buffer {
  const body = Buffer.concat(attrs.map(([t, v]) => attr(t, v)));
  const header = Buffer.alloc(20);
  header.writeUInt16BE(type, 0);
  header.writeUInt16BE(body.length + (key ? 24 : 0), 2);
  header.writeUInt32BE(MAGIC, 4);
  tid.copy(header, 8);
  const message = Buffer.concat([header, body]);
  if (!key) return message;
  const integrity = createHmac('sha1', key).update(message).digest();
  return Buffer.concat([message, attr(ATTR.messageIntegrity, integrity)]);
}

function decode(buffer: Buffer): Message | undefined {
  if (buffer.length < 20 || buffer.readUInt32BE(4) !== MAGIC) return undefined;
  const length = buffer.readUInt16BE(2);
  const attrs = new Map<number, Buffer>();
  let offset = 20;
  while (offset + 4 <= 20 + length && offset + 4 <= buffer.length) {
    const type = buffer.readUInt16BE(offset);
    const size = buffer.readUInt16BE(offset + 2);
    if (!attrs.has(type)) attrs.set(type, buffer.subarray(offset + 4, offset + 4 + size));
    offset += 4 + size + ((4 - (size % 4)) % 4);
  }
  return { type: buffer.readUInt16BE(0), tid: buffer.subarray(8, 20), attrs };
}

function xorAddress(address: string, port: number): Buffer {
  const value = Buffer.alloc(8);
  value.writeUInt8(0x01, 1);
  value.writeUInt16BE(port ^ (MAGIC >>> 16), 2);
  const ip = address.split('.').reduce((n, part) => n * 256 + Number(part), 0);
  value.writeUInt32BE((ip ^ MAGIC) >>> 0, 4);
  return value;
}

function readXorAddress(value: Buffer): { address: string; port: number } {
  const port = value.readUInt16BE(2) ^ (MAGIC >>> 16);
  const ip = (value.readUInt32BE(4) ^ MAGIC) >>> 0;
  return { address: [24, 16, 8, 0].map((shift) => (ip >>> shift) & 255).join('.'), port };
}

/** One TURN client connection (one 5-tuple, so at most one allocation). */
export class TurnTestClient {
  private readonly pending = new Map<string, (message: Message) => void>();
  private auth: { username: string; key: Buffer; realm: Buffer; nonce: Buffer } | undefined;
  private tcpBuffer = Buffer.alloc(0);
  /** Data indications received: what a peer sent to our relayed address. */
  /** `at` is performance.now() on arrival. */
  readonly received: { from: { address: string; port: number }; data: Buffer; at: number }[] = [];

  private constructor(
    private readonly write: (data: Buffer) => void,
    private readonly closeTransport: () => void,
  ) {}

  static async connect(
    transport: 'udp' | 'tcp' | 'tls',
    host: string,
    port: number,
  ): Promise<TurnTestClient> {
    if (transport === 'udp') {
      const socket: UdpSocket = createSocket('udp4');
      await new Promise<void>((resolve) => socket.connect(port, host, resolve));
      const client = new TurnTestClient(
        (data) => socket.send(data),
        () => socket.close(),
      );
      socket.on('message', (data) => client.onMessage(data));
      return client;
    }
    // TLS: the test's self-signed certificate; what is checked is that TURNS works, not the PKI.
    const socket: TcpSocket =
      transport === 'tls' ? tlsConnect({ host, port, rejectUnauthorized: false }) : connect({ host, port });
    await new Promise<void>((resolve, reject) => {
      socket.once(transport === 'tls' ? 'secureConnect' : 'connect', resolve);
      socket.once('error', reject);
    });
    const client = new TurnTestClient(
      (data) => socket.write(data),
      () => socket.destroy(),
    );
    socket.on('data', (data) => client.onTcpData(data));
    return client;
  }

  private onTcpData(data: Buffer): void {
    this.tcpBuffer = Buffer.concat([this.tcpBuffer, data]);
    while (this.tcpBuffer.length >= 20) {
      const size = 20 + this.tcpBuffer.readUInt16BE(2);
      if (this.tcpBuffer.length < size) return;
      this.onMessage(this.tcpBuffer.subarray(0, size));
      this.tcpBuffer = this.tcpBuffer.subarray(size);
    }
  }

  private onMessage(data: Buffer): void {
    const message = decode(data);
    if (!message) return;
    if (message.type === 0x0017 /* Data indication */) {
      const from = message.attrs.get(ATTR.xorPeerAddress);
      const payload = message.attrs.get(ATTR.data);
      if (from && payload)
        this.received.push({ from: readXorAddress(from), data: payload, at: performance.now() });
      return;
    }
    this.pending.get(message.tid.toString('hex'))?.(message);
  }

  private async transact(method: number, attrs: [number, Buffer][]): Promise<Message> {
    const tid = randomBytes(12);
    const withAuth: [number, Buffer][] = this.auth
      ? [
          ...attrs,
          [ATTR.username, Buffer.from(this.auth.username)],
          [ATTR.realm, this.auth.realm],
          [ATTR.nonce, this.auth.nonce],
        ]
      : attrs;
    const message = encode(method, tid, withAuth, this.auth?.key);
    return new Promise<Message>((resolve, reject) => {
      const key = tid.toString('hex');
      const timer = setTimeout(() => {
        this.pending.delete(key);
        reject(new Error(`no TURN reply to method 0x${method.toString(16)} within 3 s`));
      }, 3000);
      this.pending.set(key, (reply) => {
        clearTimeout(timer);
        this.pending.delete(key);
        resolve(reply);
      });
      this.write(message);
    });
  }

  private static result(reply: Message): TurnResult {
    const isError = (reply.type & 0x0110) === 0x0110;
    if (!isError) {
      const relayed = reply.attrs.get(ATTR.xorRelayedAddress);
      return { ok: true, relayed: relayed ? readXorAddress(relayed) : undefined };
    }
    const error = reply.attrs.get(ATTR.errorCode);
    return {
      ok: false,
      errorCode: error ? (error[2]! & 7) * 100 + error[3]! : undefined,
      reason: error?.subarray(4).toString(),
    };
  }

  /** Allocate a UDP relay with long-term credentials: the unauthenticated try, then the signed one. */
  async allocate(username: string, password: string): Promise<TurnResult> {
    const transport: [number, Buffer] = [ATTR.requestedTransport, Buffer.from([17, 0, 0, 0])];
    const challenge = await this.transact(METHOD.allocate, [transport]);
    const first = TurnTestClient.result(challenge);
    if (first.ok || first.errorCode !== 401) return first;
    const realm = challenge.attrs.get(ATTR.realm);
    const nonce = challenge.attrs.get(ATTR.nonce);
    if (!realm || !nonce) throw new Error('401 without REALM and NONCE');
    const key = createHash('md5').update(`${username}:${realm.toString()}:${password}`).digest();
    this.auth = { username, key, realm: Buffer.from(realm), nonce: Buffer.from(nonce) };
    return TurnTestClient.result(await this.transact(METHOD.allocate, [transport]));
  }

  /** Ask the TURN server to let this peer address through (403 when it refuses the address). */
  async createPermission(address: string): Promise<TurnResult> {
    return TurnTestClient.result(
      await this.transact(METHOD.createPermission, [[ATTR.xorPeerAddress, xorAddress(address, 0)]]),
    );
  }

  /** A Send indication: the server relays `data` to the peer if a permission exists, silently drops it if not. */
  send(address: string, port: number, data: Buffer): void {
    this.write(
      encode(0x0016, randomBytes(12), [
        [ATTR.xorPeerAddress, xorAddress(address, port)],
        [ATTR.data, data],
      ]),
    );
  }

  /** Releases the allocation (Refresh with lifetime 0) and closes the socket. */
  async close(): Promise<void> {
    if (this.auth) {
      const lifetime = Buffer.alloc(4);
      await this.transact(METHOD.refresh, [[ATTR.lifetime, lifetime]]).catch(() => undefined);
    }
    this.closeTransport();
  }
}
