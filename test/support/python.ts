import { spawn, spawnSync } from 'node:child_process';

/** Why boto3 cannot be used here, or undefined when it can. */
export function boto3Missing(): string | undefined {
  const probe = spawnSync('python3', ['-c', 'import boto3'], { encoding: 'utf8' });
  if (probe.error) return `python3 could not be run (${probe.error.message})`;
  if (probe.status !== 0) return (probe.stderr.trim().split('\n').pop() ?? `exit ${probe.status}`).trim();
  return undefined;
}

/** Runs a Python script to its end (killed after `timeoutMs`), with its output. */
export function runPython(args: string[], timeoutMs = 60_000): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn('python3', args, {
      // No AWS configuration from the machine may leak in (profiles, regions, proxies of its own).
      env: { ...process.env, AWS_CONFIG_FILE: '/dev/null', AWS_SHARED_CREDENTIALS_FILE: '/dev/null', PYTHONUNBUFFERED: '1' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}
