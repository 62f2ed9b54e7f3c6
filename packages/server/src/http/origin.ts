import { isIP } from 'node:net';

/**
 * Which browser pages may open the signalling WebSocket. A page on another site (or a DNS-rebound name that
 * points at us) must not drive a user's signalling socket.
 */
export type OriginPolicy =
  /** PUBLIC_URL is set: its origin (`https://meet.example.org`) is the only one. */
  | { kind: 'public'; origin: string }
  /**
   * No PUBLIC_URL: the page must be on this host (Origin's host equals Host), and Host must name us: an IP
   * literal, `localhost` or one of `hostNames` (the configured HOST). Any other name can be one an attacker
   * points at our address (DNS rebinding), which makes their page same-origin with "us".
   */
  | { kind: 'same-host'; hostNames: readonly string[] };

export interface UpgradeHeaders {
  origin: string | undefined;
  host: string | undefined;
}

function parsedOrigin(origin: string): URL | undefined {
  try {
    return new URL(origin);
  } catch {
    return undefined;
  }
}

/**
 * The host name of a Host header (`[::1]:8080` gives `::1`), lower-cased; undefined if it is not a bare name or
 * address with an optional port (`a@b`, paths and the like are not Host headers).
 */
export function hostNameOf(host: string): string | undefined {
  const match = /^(?:\[([0-9A-Fa-f:.]+)\]|([A-Za-z0-9.-]+))(?::\d{1,5})?$/.exec(host);
  if (!match) return undefined;
  if (match[1] !== undefined) return isIP(match[1]) === 6 ? match[1].toLowerCase() : undefined;
  return match[2]!.toLowerCase();
}

function namesUs(hostName: string, hostNames: readonly string[]): boolean {
  return (
    isIP(hostName) !== 0 ||
    hostName === 'localhost' ||
    hostNames.some((name) => name.toLowerCase() === hostName)
  );
}

/**
 * Why an upgrade from this Origin/Host is refused, or undefined if it may proceed. A request without Origin is
 * not from a browser page (browsers always send it on WebSocket upgrades); such a client can forge any header,
 * so there is nothing to check.
 */
export function originRefusal(headers: UpgradeHeaders, policy: OriginPolicy): string | undefined {
  const { origin, host } = headers;
  if (origin === undefined) return undefined;
  if (policy.kind === 'public')
    return parsedOrigin(origin)?.origin === policy.origin ? undefined : 'origin is not PUBLIC_URL';
  if (host === undefined || parsedOrigin(origin)?.host !== host.toLowerCase())
    return 'origin is not this host';
  const name = hostNameOf(host);
  if (name === undefined || !namesUs(name, policy.hostNames))
    return 'host is not an IP address, localhost or HOST (set PUBLIC_URL)';
  return undefined;
}
