import { createRequire as __prenvCreateRequire } from 'node:module';
import { fileURLToPath as __prenvFileURLToPath } from 'node:url';
import { dirname as __prenvDirname } from 'node:path';
const require = __prenvCreateRequire(import.meta.url);
const __filename = __prenvFileURLToPath(import.meta.url);
const __dirname = __prenvDirname(__filename);
var KEY="prenv-run";function saveRunState(step,state){step.saveState(KEY,JSON.stringify(state))}function loadRunState(step){let raw=step.getState(KEY);if(raw!=="")try{return JSON.parse(raw)}catch{return}}export{saveRunState,loadRunState};
