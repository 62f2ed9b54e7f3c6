// A bot process: hosts bots for the bench (bots are spread over several processes so they use every core).
// Driven over Node IPC; exits when the bench goes away, closing everything it opened.
import { Bot } from './bot.js';
import { loadFixtures } from './fixtures.js';
import { Player } from './player.js';
import type { FromWorker, ToWorker } from './pool-messages.js';
import { enlargeUdpBuffers } from './udp-buffers.js';

const cacheDir = process.argv[2];
if (!cacheDir || !process.send) throw new Error('bot-worker runs as a forked child: bot-worker <cacheDir>');

enlargeUdpBuffers();
const player = new Player(loadFixtures(cacheDir));
const bots = new Set<Bot>();
const send = (message: FromWorker) => process.send?.(message);

async function closeAll(): Promise<void> {
  const all = [...bots];
  bots.clear();
  await Promise.allSettled(all.map((b) => b.close()));
}

process.on('message', (message: ToWorker) => {
  if (message.op === 'join') {
    const bot = new Bot({ ...message, player });
    bots.add(bot);
    bot.join().then(
      (ms) => send({ op: 'joined', key: message.key, ok: true, ms, participantId: bot.participantId! }),
      (error: unknown) => {
        send({ op: 'joined', key: message.key, ok: false, error: String(error) });
        bots.delete(bot);
        void bot.close();
      },
    );
  } else if (message.op === 'counts') {
    Promise.all([...bots].map((b) => b.counts())).then(
      (counts) =>
        send({
          op: 'counts',
          req: message.req,
          bots: counts,
          errors: [...bots].flatMap((b) => b.errors.splice(0)),
        }),
      (error: unknown) => send({ op: 'counts', req: message.req, bots: [], errors: [String(error)] }),
    );
  } else if (message.op === 'closeAll') {
    void closeAll().then(() => send({ op: 'closed', req: message.req }));
  }
});

// The bench exited or was killed: nothing may outlive it.
process.on('disconnect', () => {
  player.close();
  void closeAll().finally(() => process.exit(0));
  setTimeout(() => process.exit(0), 3000).unref();
});

send({ op: 'ready', packetsPerSecond: player.packetsPerSecond });
