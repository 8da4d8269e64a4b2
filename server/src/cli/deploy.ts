// `npm run deploy -- <file.bpmn> [more.bpmn …]`: deploy diagrams into the configured store, as
// POST /api/v1/definitions does, and print each new version or every problem (exit 1 if any file failed).
// On embedded PGlite, stop the server first: two processes must not open one data folder.
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { WorkflowError, type Problem } from '@linli/workflows';
import { invocationDir, loadConfig } from '../env.js';
import { createLogger } from '../lib/logger.js';
import { buildServices, prepareStore } from '../server.js';

const files = process.argv.slice(2);
if (files.length === 0) {
  console.error('Usage: npm run deploy -- <file.bpmn> [more.bpmn …]');
  process.exit(2);
}

const config = loadConfig();
const store = await prepareStore(config);
const services = buildServices(config, store, createLogger('warn'));
let failed = 0;
for (const file of files) {
  try {
    const xml = await readFile(path.resolve(invocationDir(), file), 'utf8');
    const { definition: d, created } = await services.workflow.runtime.deploy(xml, null);
    console.log(
      created
        ? `${file}: deployed ${d.processId} version ${d.version}`
        : `${file}: ${d.processId} version ${d.version} is this diagram already; nothing new deployed`,
    );
  } catch (err) {
    failed++;
    if (err instanceof WorkflowError && Array.isArray(err.details)) {
      const problems = err.details as Problem[];
      console.error(
        `${file}: cannot be deployed (${problems.length} problem${problems.length === 1 ? '' : 's'}):`,
      );
      for (const p of problems) console.error(`  ${p.elementId ?? '(file)'}  [${p.rule}]  ${p.message}`);
    } else {
      console.error(`${file}: ${err instanceof Error ? err.message : String(err)}`);
    }
  }
}
await store.close();
process.exit(failed ? 1 : 0);
