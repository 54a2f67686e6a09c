import { createApp } from '../create-app.ts';

// `npx cdk synth|deploy` runs this file (cdk.json); the App synthesizes when the process exits.
createApp();
