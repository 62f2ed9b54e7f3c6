import { describe, expect, it } from 'vitest';
import { haproxyConfig } from './haproxy-config.js';

describe('haproxyConfig', () => {
  const text = haproxyConfig({
    host: '127.0.0.1',
    port: 8080,
    nodes: [
      { id: 'a', port: 9001 },
      { id: 'b', port: 9002 },
    ],
  });

  it('routes ?node=<id> to that node while it is up, everything else round-robin with health checks', () => {
    expect(text).toContain('bind 127.0.0.1:8080');
    expect(text).toContain('use_backend node_a if { urlp(node) -m str a } { nbsrv(node_a) gt 0 }');
    expect(text).toContain('use_backend node_b if { urlp(node) -m str b } { nbsrv(node_b) gt 0 }');
    expect(text).toMatch(
      /backend all\n {2}balance roundrobin\n {2}server a 127\.0\.0\.1:9001 check inter 500/,
    );
    expect(text).toContain('option httpchk GET /healthz');
    expect(text).toContain('option redispatch');
    expect(text).toContain('timeout tunnel');
  });
});
