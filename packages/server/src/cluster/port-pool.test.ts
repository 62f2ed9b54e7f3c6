import { describe, expect, it } from 'vitest';
import { PortPool } from './port-pool.js';

describe('PortPool (JANUS_REMOTE_PORTS)', () => {
  it('hands out even RTP ports with the RTCP port after each, inside the range', () => {
    const pool = new PortPool({ min: 41001, max: 41006 });
    expect(pool.capacity).toBe(2);
    expect(pool.take()).toEqual({ port: 41002, rtcpPort: 41003 });
    expect(pool.take()).toEqual({ port: 41004, rtcpPort: 41005 });
    expect(pool.take()).toBeUndefined();
  });

  it('does not hand a released pair out again until Janus restarted (1.1.2 keeps its sockets bound)', () => {
    const pool = new PortPool({ min: 40000, max: 40005 });
    const a = pool.take()!;
    const b = pool.take()!;
    pool.release(a);
    expect(pool.take()).toEqual({ port: 40004, rtcpPort: 40005 });
    expect(pool.take()).toBeUndefined();
    expect(pool).toMatchObject({ inUse: 2, available: 0 });
    pool.reset();
    expect(pool.take()).toEqual(a);
    pool.release(b);
    pool.release(b);
    expect(pool).toMatchObject({ inUse: 2, available: 0 });
  });

  it('refuses a range with no pair', () => {
    expect(() => new PortPool({ min: 40001, max: 40001 })).toThrow(RangeError);
  });
});
