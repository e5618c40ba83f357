import { createRequire as __prenvCreateRequire } from 'node:module';
import { fileURLToPath as __prenvFileURLToPath } from 'node:url';
import { dirname as __prenvDirname } from 'node:path';
const require = __prenvCreateRequire(import.meta.url);
const __filename = __prenvFileURLToPath(import.meta.url);
const __dirname = __prenvDirname(__filename);
var SETTLE_POLL_MS=1500;function settleIntervalMs(waiting){return Math.max(1500,Math.max(1,waiting)*1e3/2)}var DEPLOY_POLL_MS=2500,DEPLOY_READS_PER_SECOND=1;function deployIntervalMs(concurrency){return Math.max(DEPLOY_POLL_MS,Math.max(1,concurrency)*2*1e3/DEPLOY_READS_PER_SECOND)}export{SETTLE_POLL_MS,settleIntervalMs,DEPLOY_POLL_MS,deployIntervalMs};
