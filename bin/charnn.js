#!/usr/bin/env node
// The charnn command: runs the compiled CLI (npm install / npm test build dist/ with tsc).
import { main } from '../dist/cli/main.js';

await main();
