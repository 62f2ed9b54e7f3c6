// Run as `node --import tsx test/support/turn-child.ts`: starts TURN=on from the environment, prints coturn's pid,
// and waits to be killed. The turn e2e test kills this process with SIGKILL and checks coturn died with it.
import { loadConfig } from '../../packages/server/src/config/load.js';
import { createLogger } from '../../packages/server/src/logger.js';
import { startTurn } from '../../packages/server/src/turn/turn.js';

const turn = await startTurn(loadConfig(process.env, []), createLogger('error'));
console.log(`coturn-pid ${turn?.process?.pid}`);
setInterval(() => {}, 60_000);
