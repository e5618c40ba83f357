import { createRequire as __prenvCreateRequire } from 'node:module';
import { fileURLToPath as __prenvFileURLToPath } from 'node:url';
import { dirname as __prenvDirname } from 'node:path';
const require = __prenvCreateRequire(import.meta.url);
const __filename = __prenvFileURLToPath(import.meta.url);
const __dirname = __prenvDirname(__filename);
import{S3Buckets,forcePathStyle}from"./chunk-WHIGSIHO.js";import"./chunk-D4YSHIZC.js";import"./chunk-MBUPEPM5.js";import"./chunk-5SSTVNTK.js";import"./chunk-VY2ON2TK.js";import"./chunk-P2P346DN.js";import"./chunk-4TJTHHZL.js";export{S3Buckets,forcePathStyle};
