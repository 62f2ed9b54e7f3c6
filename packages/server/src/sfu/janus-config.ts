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
