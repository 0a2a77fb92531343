// Writes openapi/admin.json, the admin API's contract, from its hand-written source openapi/src/admin.yaml.
import { readFileSync, writeFileSync } from 'node:fs';
import { parse } from 'yaml';

const source = new URL('../openapi/src/admin.yaml', import.meta.url);
const target = new URL('../openapi/admin.json', import.meta.url);
writeFileSync(target, JSON.stringify(parse(readFileSync(source, 'utf8')), null, 2) + '\n');
console.log(`wrote ${target.pathname}`);
