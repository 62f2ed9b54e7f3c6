import { createHmac } from 'node:crypto';
import { isIP } from 'node:net';

/** What a browser passes to `new RTCPeerConnection({ iceServers })`. */
export interface IceServer {
  urls: string[];
  username: string;
  credential: string;
}

export interface TurnCredential {
  username: string;
  credential: string;
  /** Unix seconds after which the TURN server refuses the credential. */
  expiresAt: number;
}

/**
 * TURN REST credentials (draft-uberti-behave-turn-rest, coturn `use-auth-secret`): the username carries its own
 * expiry, the password is base64(HMAC-SHA1(secret, username)), so the TURN server checks both without asking us.
 */
export function turnCredential(options: {
  secret: string;
  participantId: string;
  ttlS: number;
  nowMs: number;
}): TurnCredential {
  const expiresAt = Math.floor(options.nowMs / 1000) + options.ttlS;
  const username = `${expiresAt}:${options.participantId}`;
  const credential = createHmac('sha1', options.secret).update(username).digest('base64');
  return { username, credential, expiresAt };
}

/** The URIs of our own coturn: TURN over UDP and TCP, and TURNS when it has a certificate. */
export function coturnUrls(options: { host: string; port: number; tlsPort: number | undefined }): string[] {
  const host = isIP(options.host) === 6 ? `[${options.host}]` : options.host;
  return [
    `turn:${host}:${options.port}?transport=udp`,
    `turn:${host}:${options.port}?transport=tcp`,
    ...(options.tlsPort === undefined ? [] : [`turns:${host}:${options.tlsPort}?transport=tcp`]),
  ];
}

/** One RTCIceServer entry with fresh credentials for one participant. */
export function iceServersFor(options: {
  urls: readonly string[];
  secret: string;
  participantId: string;
  ttlS: number;
  nowMs: number;
}): IceServer[] {
  const { username, credential } = turnCredential(options);
  return [{ urls: [...options.urls], username, credential }];
}
