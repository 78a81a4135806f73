#!/usr/bin/env node
// Writes the reference partials (see reference.mjs). Run by docusaurus.config.ts before every build/start.
import path from 'node:path';
import { generateReference, outDir } from './reference.mjs';

const files = await generateReference();
console.log(`[reference] ${files.length} partials generated in ${path.relative(process.cwd(), outDir)}`);
