// A call across the NAT topology, as the e2e test and `npm run bench:netchange` both need it: the server (its
// Janus and coturn) on the "public" address in `srv` with HTTPS, one Chromium behind each NAT router. One owner
// for everything it starts: close() stops browsers, then the server, then removes the certificate and the
// namespaces, on every path (also when the start fails half way).
import type { Page } from 'playwright-core';
import { type FakeCamera, makeCamera } from './cameras.js';
import { type LaunchedBrowser, launchChromium } from './chromium.js';
import { recordPeerConnections } from './ice-call.js';
import { type Client, SERVER_IP } from './nat-plan.js';
import { buildNatTopology, type NatTopology } from './nat-topology.js';
import { recordSignalling } from './page-probes.js';
import { startTestServer, type TestServer } from './server.js';
import { type SelfSignedCert, selfSignedCert } from './tls-cert.js';

export const TURN_PORT = 3478;
const HTTPS_PORT = 8443;
/** Janus's and coturn's UDP ranges on the server (kept apart, as the server's config requires). */
export const JANUS_RTP = { min: 20000, max: 20199 };
const TURN_RELAY = '49300-49399';

export const PUBLIC_URL = `https://${SERVER_IP}:${HTTPS_PORT}`;

export interface NatPerson {
  name: string;
  camera: FakeCamera;
  client: Client;
}

export interface NatCall {
  topology: NatTopology;
  server: TestServer;
  people: NatPerson[];
  browsers: LaunchedBrowser[];
  /** One page per person, recording PeerConnections and signalling, not yet navigated. */
  pages: Page[];
  /** The autojoin link for a person. */
  url(room: string, person: NatPerson): string;
  close(): Promise<void>;
}

/** Server settings for the public side: TLS, our coturn on the public address, Janus gathering on the bridge. */
function serverEnv(cert: SelfSignedCert): Record<string, string> {
  return {
    HOST: SERVER_IP,
    PORT: String(HTTPS_PORT),
    PUBLIC_URL,
    PUBLIC_IP: SERVER_IP,
    TLS_CERT: cert.certFile,
    TLS_KEY: cert.keyFile,
    TURN: 'on',
    TURN_PORT: String(TURN_PORT),
    TURN_LISTENING_IPS: SERVER_IP,
    TURN_RELAY_IPS: SERVER_IP,
    TURN_RELAY_PORT_RANGE: TURN_RELAY,
    JANUS_RTP_PORT_RANGE: `${JANUS_RTP.min}-${JANUS_RTP.max}`,
    // Inside srv the only non-loopback interface is the bridge: no ifb trick, Janus gathers the public address.
    JANUS_ICE_ENFORCE_LIST: SERVER_IP,
    // Two participants would otherwise go browser to browser; this call is about the SFU path through TURN.
    P2P: 'off',
    // The network change is survived by resuming the participant (test servers default to no resume window).
    RESUME_WINDOW_MS: '30000',
    LOG_LEVEL: 'info',
  };
}

/**
 * Builds the topology, starts the server in `srv` and one Chromium per person in its client namespace.
 * `beforeServer` runs on the bare topology (probes that need the server's ports free).
 */
export async function startNatCall(options: {
  people: { name: string; camera: Parameters<typeof makeCamera>[0]; client: Client }[];
  beforeServer?: (topology: NatTopology) => Promise<void>;
}): Promise<NatCall> {
  const people = options.people.map((p) => ({ ...p, camera: makeCamera(p.camera) }));
  const topology = await buildNatTopology({ turnPort: TURN_PORT });
  let cert: SelfSignedCert | undefined;
  let server: TestServer | undefined;
  const browsers: LaunchedBrowser[] = [];
  const close = async () => {
    await Promise.all(browsers.map((b) => b.close()));
    await server?.stop();
    await cert?.remove();
    await topology.close();
  };
  try {
    await options.beforeServer?.(topology);
    cert = await selfSignedCert([], [SERVER_IP]);
    server = await startTestServer(serverEnv(cert), { netns: topology.ns('srv') });
    for (const person of people) {
      browsers.push(
        await launchChromium({
          fakeCamera: person.camera.file,
          netns: topology.ns(person.client),
          extraArgs: ['--ignore-certificate-errors'],
        }),
      );
    }
    const pages: Page[] = [];
    for (const [i, browser] of browsers.entries()) {
      const page = await browser.context.newPage();
      page.on('pageerror', (error) => console.error(`[${people[i]!.name}] page error`, error));
      page.on('console', (message) => {
        if (message.type() === 'error') console.error(`[${people[i]!.name}] console: ${message.text()}`);
      });
      await recordPeerConnections(page);
      await recordSignalling(page);
      pages.push(page);
    }
    return {
      topology,
      server,
      people,
      browsers,
      pages,
      url: (room, person) => `${PUBLIC_URL}/r/${room}?name=${person.name}&autojoin=1`,
      close,
    };
  } catch (error) {
    await close().catch((cleanup: unknown) => console.error('NAT call cleanup failed', cleanup));
    throw error;
  }
}
