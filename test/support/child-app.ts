import { spawn, type ChildProcess } from 'node:child_process';
import { writeFileSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BOT_TOKEN, INTAKE_TOKEN, REDIS_URL, SIGNING_SECRET } from './harness.js';

export interface ChildApp {
  process: ChildProcess;
  url: string;
  output: () => string;
}

export function writeConfigFile(config: unknown): string {
  const path = join(mkdtempSync(join(tmpdir(), 'escbot-')), 'config.json');
  writeFileSync(path, JSON.stringify(config));
  return path;
}

interface ChildAppOptions {
  configPath: string;
  slackApiUrl: string;
  prefix: string;
  env?: Record<string, string>;
}

function spawnEntryPoint(options: ChildAppOptions): ChildProcess {
  return spawn(process.execPath, ['--import', 'tsx', 'src/app.ts'], {
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
      LOG_LEVEL: 'info',
      ...options.env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
}

/** Runs the entry point until it exits by itself (a start refused), with what it wrote on each stream. */
export async function runChildAppToExit(options: ChildAppOptions, timeoutMs = 30_000): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const child = spawnEntryPoint(options);
  let stdout = '';
  let stderr = '';
  child.stdout!.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
  const code = await new Promise<number | null>((resolve) => child.once('close', (exitCode) => resolve(exitCode)));
  clearTimeout(timer);
  return { code, stdout, stderr };
}

/** Runs the real entry point (`src/app.ts`) as its own process, configured only through the environment. */
export async function startChildApp(options: ChildAppOptions): Promise<ChildApp> {
  const child = spawnEntryPoint(options);
  let output = '';
  child.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  let port: number;
  try {
    port = await new Promise<number>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`app did not start:\n${output}`)), 30_000);
      const check = () => {
        const match = /"port":(\d+)[^\n]*escalation bot listening/.exec(output);
        if (match) {
          clearTimeout(timer);
          resolve(Number(match[1]));
        }
      };
      child.stdout!.on('data', check);
      child.once('exit', (code) => {
        clearTimeout(timer);
        reject(new Error(`app exited with ${code}:\n${output}`));
      });
    });
  } catch (error) {
    // A child that never reported listening would otherwise outlive the test that gave up on it.
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    throw error;
  }
  return { process: child, url: `http://127.0.0.1:${port}`, output: () => output };
}

export async function stopChild(child: ChildApp, signal: NodeJS.Signals): Promise<number | null> {
  if (child.process.exitCode !== null || child.process.signalCode !== null) return child.process.exitCode;
  return new Promise((resolve) => {
    child.process.once('exit', (code) => resolve(code));
    child.process.kill(signal);
  });
}
