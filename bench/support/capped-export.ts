/**
 * Runs the app and reads the whole CSV export in a process started with a small heap cap. If the
 * export held every case in memory, this process would die of heap exhaustion; finishing is the proof.
 * Usage: node --max-old-space-size=96 --import tsx bench/support/capped-export.ts <redis prefix>
 */
import { startApp } from '../../src/server.js';
import { startSlackDouble } from '../../slack-double/index.js';
import { BOT_TOKEN, INTAKE_TOKEN, testAppOptions } from '../../test/support/harness.js';

const prefix = process.argv[2];
if (!prefix) throw new Error('usage: capped-export.ts <redis prefix>');
const double = await startSlackDouble({ token: BOT_TOKEN });
const app = await startApp(testAppOptions(double.url, prefix, { runWorkers: false }));
const response = await fetch(`${app.url}/api/v1/reports/escalations.csv?from=2026-01-01&to=2026-12-31`, { headers: { authorization: `Bearer ${INTAKE_TOKEN}` } });
let rows = 0;
for await (const chunk of response.body as unknown as AsyncIterable<Uint8Array>) for (const byte of chunk) if (byte === 10) rows += 1;
process.stdout.write(`${JSON.stringify({ rows: rows - 1, maxRssMiB: Math.round(process.resourceUsage().maxRSS / 1024) })}\n`);
await app.stop();
await double.close();
process.exit(0);
