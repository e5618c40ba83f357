import { buildApp } from './app.js';

// The cdk.json entry point: the only infra file with a side effect.
buildApp().synth();
