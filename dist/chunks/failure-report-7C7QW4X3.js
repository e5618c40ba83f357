import { createRequire as __prenvCreateRequire } from 'node:module';
import { fileURLToPath as __prenvFileURLToPath } from 'node:url';
import { dirname as __prenvDirname } from 'node:path';
const require = __prenvCreateRequire(import.meta.url);
const __filename = __prenvFileURLToPath(import.meta.url);
const __dirname = __prenvDirname(__filename);
import{reportFile,saveReportFile}from"./chunk-YW2BHFPA.js";import{actionsLog,actionsStep}from"./chunk-QZ26S7GD.js";import{isoSeconds}from"./chunk-YOM6OEYM.js";import"./chunk-NJTIKIH3.js";import{messageOf}from"./chunk-P2P346DN.js";import"./chunk-4TJTHHZL.js";async function saveFailureReport(operation,error,environment,pullRequest,context){let failure=messageOf(error),report={state:`${operation}-failed`,environment,repository:context.repository,pullRequest,updatedAt:isoSeconds(new Date),failure:{reason:failure}};await saveReportFile(context.tempDir,reportFile(operation,report,{failure}),{step:actionsStep,log:actionsLog})}export{saveFailureReport};
