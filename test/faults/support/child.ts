import { spawn } from 'node:child_process';
import { BOT_TOKEN, INTAKE_TOKEN, REDIS_URL, SIGNING_SECRET } from '../../support/harness.js';
import type { ChildApp } from '../../support/child-app.js';

/**
 * startChildApp from test/support, except that a child which never reports listening is killed
 * (by its pid) instead of being left running after the test has given up on it.
 */
export async function startChild(options: { configPath: string; slackApiUrl: string; prefix: string; env?: Record<string, string> }): Promise<ChildApp> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/app.ts'], {
    env: {
      ...process.env,
      SLACK_BOT_TOKEN: BOT_TOKEN,
      SLACK_SIGNING_SECRET: SIGNING_SECRET,
      SLACK_API_URL: options.slackApiUrl,
      REDIS_URL,
      REDIS_PREFIX: options.prefix,
      PORT: '0',
      INTAKE_API_TOKENS: INTAKE_TOKEN,
      CONFIG_PATH: options.configPath,
      // startChild waits for the info-level "listening" line.
      LOG_LEVEL: 'info',
      ...options.env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
  try {
    const port = await new Promise<number>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`app did not start:\n${output}`)), 30_000);
      const check = () => {
        const match = /"port":(\d+)[^\n]*escalation bot listening/.exec(output);
        if (match) {
          clearTimeout(timer);
          resolve(Number(match[1]));
        }
      };
      child.stdout.on('data', check);
      child.once('exit', (code) => {
        clearTimeout(timer);
        reject(new Error(`app exited with ${code}:\n${output}`));
      });
    });
    return { process: child, url: `http://127.0.0.1:${port}`, output: () => output };
  } catch (error) {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    throw error;
  }
}
