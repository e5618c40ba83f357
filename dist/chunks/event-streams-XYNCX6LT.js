import { createRequire as __prenvCreateRequire } from 'node:module';
import { fileURLToPath as __prenvFileURLToPath } from 'node:url';
import { dirname as __prenvDirname } from 'node:path';
const require = __prenvCreateRequire(import.meta.url);
const __filename = __prenvFileURLToPath(import.meta.url);
const __dirname = __prenvDirname(__filename);
import{EventStreamCodec,EventStreamMarshaller,EventStreamMarshaller2,EventStreamSerde,HeaderMarshaller,Int64,MessageDecoderStream,MessageEncoderStream,SmithyMessageDecoderStream,SmithyMessageEncoderStream,eventStreamSerdeProvider,eventStreamSerdeProvider2,getChunkedStream,getMessageUnmarshaller,getUnmarshalledStream,init_event_streams,iterableToReadableStream,readableStreamToIterable,resolveEventStreamSerdeConfig}from"./chunk-D4YSHIZC.js";import"./chunk-VY2ON2TK.js";import"./chunk-4TJTHHZL.js";init_event_streams();export{EventStreamCodec,EventStreamMarshaller2 as EventStreamMarshaller,EventStreamSerde,HeaderMarshaller,Int64,MessageDecoderStream,MessageEncoderStream,SmithyMessageDecoderStream,SmithyMessageEncoderStream,EventStreamMarshaller as UniversalEventStreamMarshaller,eventStreamSerdeProvider2 as eventStreamSerdeProvider,getChunkedStream,getMessageUnmarshaller,getUnmarshalledStream,iterableToReadableStream,readableStreamToIterable,resolveEventStreamSerdeConfig,eventStreamSerdeProvider as universalEventStreamSerdeProvider};
