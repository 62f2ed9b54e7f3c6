import { isIPv4, isIPv6 } from 'node:net';

/**
 * One spelling per address, so a trust list and a peer address compare equal: IPv6 is lower-cased and
 * compressed, and IPv4-mapped IPv6 (`::ffff:1.2.3.4`) becomes plain IPv4. Undefined if `text` is not an IP.
 */
export function canonicalIp(text: string): string | undefined {
  if (isIPv4(text)) return text;
  if (!isIPv6(text) || text.includes('%')) return undefined;
  // The URL parser compresses IPv6 per RFC 5952; a valid literal cannot make it throw.
  const compressed = new URL(`http://[${text}]/`).hostname.slice(1, -1);
  const mapped = /^::ffff:([0-9a-f]{1,4}):([0-9a-f]{1,4})$/.exec(compressed);
  if (!mapped) return compressed;
  const high = Number.parseInt(mapped[1]!, 16);
  const low = Number.parseInt(mapped[2]!, 16);
  return `${high >> 8}.${high & 0xff}.${low >> 8}.${low & 0xff}`;
}

/** One `X-Forwarded-For` entry as an address: bare, `[v6]:port` or `v4:port`; undefined if it is not one. */
function forwardedEntry(entry: string): string | undefined {
  const text = entry.trim();
  const bracketed = /^\[([^\]]+)\](?::\d{1,5})?$/.exec(text);
  if (bracketed) return canonicalIp(bracketed[1]!);
  const v4WithPort = /^(\d{1,3}(?:\.\d{1,3}){3}):\d{1,5}$/.exec(text);
  return canonicalIp(v4WithPort ? v4WithPort[1]! : text);
}

/**
 * Who a request came from. The socket's peer address, unless that peer is a proxy named in `trustProxy`: then
 * the rightmost `X-Forwarded-For` entry that is not itself a trusted proxy (the one our proxies saw). An entry
 * that is not an IP address means the chain cannot be believed, so the answer is the peer. Entries to the left
 * of the first untrusted one were written by the client and are ignored.
 */
export function clientAddress(
  peerAddress: string | undefined,
  xForwardedFor: string | readonly string[] | undefined,
  trustProxy: readonly string[] | undefined,
): string {
  const peer = (peerAddress && canonicalIp(peerAddress)) ?? 'unknown';
  if (!trustProxy || trustProxy.length === 0 || xForwardedFor === undefined) return peer;
  const trusted = new Set(trustProxy.map((ip) => canonicalIp(ip.trim()) ?? ip));
  if (!trusted.has(peer)) return peer;
  const entries = (typeof xForwardedFor === 'string' ? [xForwardedFor] : xForwardedFor)
    .flatMap((header) => header.split(','))
    .filter((entry) => entry.trim() !== '');
  let reached = peer;
  for (let i = entries.length - 1; i >= 0; i--) {
    const address = forwardedEntry(entries[i]!);
    if (address === undefined) return peer;
    if (!trusted.has(address)) return address;
    reached = address;
  }
  // Every hop was one of our proxies: the furthest one is as close to the client as we can know.
  return reached;
}
