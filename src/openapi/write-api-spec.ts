/** `npm run docs:spec`: regenerates docs/api-spec.yaml from the code. */
import { writeFile } from 'node:fs/promises';
import { renderOpenApiYaml } from './openapi-document.js';

const target = new URL('../../docs/api-spec.yaml', import.meta.url);
await writeFile(target, await renderOpenApiYaml());
process.stdout.write(`wrote ${target.pathname}\n`);
