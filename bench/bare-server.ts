// The reference for bench/http.ts: a bare Fastify 5 answering one fixed body (read from the file named
// by argv[2]) on every GET, with nothing else. Prints its URL like the CLI does.
import Fastify from 'fastify';
import { readFileSync } from 'node:fs';

const body = readFileSync(process.argv[2]!, 'utf8');
const app = Fastify({ logger: false });
app.get('/*', (_req, reply) => reply.type('application/json; charset=utf-8').send(body));
const url = await app.listen({ port: 0, host: '127.0.0.1' });
console.log(`listening on ${url}`);
