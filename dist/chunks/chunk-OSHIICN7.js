import { createRequire as __prenvCreateRequire } from 'node:module';
import { fileURLToPath as __prenvFileURLToPath } from 'node:url';
import { dirname as __prenvDirname } from 'node:path';
const require = __prenvCreateRequire(import.meta.url);
const __filename = __prenvFileURLToPath(import.meta.url);
const __dirname = __prenvDirname(__filename);
import{setTimeout as delay}from"node:timers/promises";var systemClock={now:()=>new Date,sleep:async ms=>{await delay(ms)}};export{systemClock};
