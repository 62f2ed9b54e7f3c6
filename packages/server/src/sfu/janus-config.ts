/** Settings our generated Janus configuration depends on. */
export interface JanusConfigOptions {
  /** Folder holding the generated .jcfg files and the plugin/transport link folders. */
  dir: string;
  apiSecret: string;
  adminSecret: string;
  adminKey: string;
  wsPort: number;
  rtpPortRange: string;
  iceEnforceList: string | undefined;
  iceIgnoreList: string;
  debugLevel: number;
  /** Janus drops a session that sent nothing for this long; 60 s if unset. */
  sessionTimeoutS?: number;
  /** This machine's public addresses behind a 1:1 NAT (PUBLIC_IP): advertised in Janus's host candidates. */
  natMapping?: readonly string[] | undefined;
  /** A STUN server Janus asks for its public address (JANUS_STUN_SERVER): server-reflexive candidates. */
  stunServer?: { host: string; port: number } | undefined;
}

/** The only Janus modules we load: VideoRoom and the WebSocket transport. */
export const JANUS_PLUGINS = ['libjanus_videoroom.so'];
export const JANUS_TRANSPORTS = ['libjanus_websockets.so'];

/** Quotes a string for libconfig, the format of .jcfg files. */
export function jcfgString(value: string): string {
  return `"${value.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`;
}

/** The generated config files, by file name. Pure: writing them is the caller's job. */
export function renderJanusConfig(o: JanusConfigOptions): Record<string, string> {
  // Half-trickle (full_trickle = false): browsers trickle to Janus, but Janus puts all of its own candidates in
  // every SDP it sends, with a=end-of-candidates. Janus's candidates are its host addresses (rewritten by
  // nat_1_1_mapping), known the moment a handle exists, so trickling them would save nothing and would cost one
  // signalling message each, plus candidates racing the subscriber offer to the browser. The server and the
  // client still relay Janus `trickle` events (sfu/videoroom.ts), so turning it on needs no other change.
  const nat = [
    'nice_debug = false',
    'full_trickle = false',
    `ice_ignore_list = ${jcfgString(o.iceIgnoreList)}`,
    ...(o.iceEnforceList ? [`ice_enforce_list = ${jcfgString(o.iceEnforceList)}`] : []),
    // Janus offers the public addresses and keeps the private one as a second candidate: a browser on the
    // same private network, and our own coturn relaying from this machine, reach it without hairpin NAT (the
    // cost is a private address in the SDP and a few checks that fail from the internet).
    ...(o.natMapping && o.natMapping.length > 0
      ? [`nat_1_1_mapping = ${jcfgString(o.natMapping.join(','))}`, 'keep_private_host = true']
      : []),
    // A STUN server that is down must not stop Janus from starting (and so every meeting): Janus then runs
    // without server-reflexive candidates and logs the error.
    ...(o.stunServer
      ? [
          `stun_server = ${jcfgString(o.stunServer.host)}`,
          `stun_port = ${o.stunServer.port}`,
          'ignore_unreachable_ice_server = true',
        ]
      : []),
  ];
  return {
    'janus.jcfg': `general: {
  configs_folder = ${jcfgString(o.dir)}
  plugins_folder = ${jcfgString(`${o.dir}/plugins`)}
  transports_folder = ${jcfgString(`${o.dir}/transports`)}
  events_folder = ${jcfgString(`${o.dir}/events`)}
  loggers_folder = ${jcfgString(`${o.dir}/loggers`)}
  debug_level = ${o.debugLevel}
  server_name = "backdrop-janus"
  api_secret = ${jcfgString(o.apiSecret)}
  admin_secret = ${jcfgString(o.adminSecret)}
  session_timeout = ${o.sessionTimeoutS ?? 60}
  reclaim_session_timeout = 0
  protected_folders = ["/bin", "/boot", "/dev", "/etc", "/lib", "/proc", "/sbin", "/sys", "/usr", "/var"]
}
media: {
  rtp_port_range = ${jcfgString(o.rtpPortRange)}
}
nat: {
  ${nat.join('\n  ')}
}
plugins: {
}
transports: {
}
events: {
  broadcast = false
}
`,
    'janus.plugin.videoroom.jcfg': `general: {
  admin_key = ${jcfgString(o.adminKey)}
  lock_rtp_forward = true
  events = false
}
`,
    'janus.transport.websockets.jcfg': `general: {
  json = "plain"
  ws = true
  ws_port = ${o.wsPort}
  ws_ip = "127.0.0.1"
  wss = false
}
admin: {
  admin_ws = false
  admin_wss = false
}
`,
  };
}
