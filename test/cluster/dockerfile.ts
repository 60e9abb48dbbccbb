/**
 * Test-only helper: reads the Dockerfile's instructions (continuation lines joined, comments dropped) and the runtime
 * stage's settings, so the tests check what the image would do against what the project runs.
 */
import { readFileSync } from 'node:fs';

export interface Instruction {
  keyword: string;
  args: string;
}

export function readDockerfile(file: string): Instruction[] {
  const lines = readFileSync(file, 'utf8').split('\n');
  const out: Instruction[] = [];
  let current = '';
  for (const raw of lines) {
    const line = raw.trim();
    if (!current && (line === '' || line.startsWith('#'))) continue;
    if (current && line.startsWith('#')) continue;
    current += (current ? ' ' : '') + line.replace(/\\$/, '').trim();
    if (line.endsWith('\\')) continue;
    const m = /^(\w+)\s+([\s\S]*)$/.exec(current);
    if (m) out.push({ keyword: m[1]!.toUpperCase(), args: m[2]! });
    current = '';
  }
  return out;
}

export interface RuntimeStage {
  from: string;
  env: Record<string, string>;
  user: string | undefined;
  workdir: string | undefined;
  cmd: string[];
  entrypoint: string[] | undefined;
  healthcheck: { options: Record<string, string>; cmd: string[] } | undefined;
  stopSignal: string | undefined;
  expose: string[];
}

/** ENV's `KEY=value KEY2="value"` pairs. */
function envPairs(args: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const m of args.matchAll(/(\w+)=("(?:[^"\\]|\\.)*"|\S*)/g))
    out[m[1]!] = m[2]!.startsWith('"') ? (JSON.parse(m[2]!) as string) : m[2]!;
  return out;
}

function execForm(args: string, what: string): string[] {
  const parsed: unknown = JSON.parse(args);
  if (!Array.isArray(parsed) || !parsed.every((a): a is string => typeof a === 'string')) {
    throw new Error(`${what} must be in exec form (a JSON array), got ${args}`);
  }
  return parsed;
}

/** The last stage's settings (ENV, USER, CMD, HEALTHCHECK...), as the image would run them. */
export function runtimeStage(instructions: Instruction[]): RuntimeStage {
  const from = instructions.map((i, n) => [i, n] as const).filter(([i]) => i.keyword === 'FROM');
  const [last, start] = from.at(-1)!;
  const stage: RuntimeStage = {
    from: last.args,
    env: {},
    user: undefined,
    workdir: undefined,
    cmd: [],
    entrypoint: undefined,
    healthcheck: undefined,
    stopSignal: undefined,
    expose: [],
  };
  for (const i of instructions.slice(start + 1)) {
    if (i.keyword === 'ENV') Object.assign(stage.env, envPairs(i.args));
    if (i.keyword === 'USER') stage.user = i.args.trim();
    if (i.keyword === 'WORKDIR') stage.workdir = i.args.trim();
    if (i.keyword === 'CMD') stage.cmd = execForm(i.args, 'CMD');
    if (i.keyword === 'ENTRYPOINT') stage.entrypoint = execForm(i.args, 'ENTRYPOINT');
    if (i.keyword === 'STOPSIGNAL') stage.stopSignal = i.args.trim();
    if (i.keyword === 'EXPOSE') stage.expose.push(...i.args.trim().split(/\s+/));
    if (i.keyword === 'HEALTHCHECK') {
      const m = /^((?:--[\w-]+=\S+\s+)*)CMD\s+(.*)$/.exec(i.args.trim());
      if (!m) throw new Error(`HEALTHCHECK must be "[--options] CMD [...]", got ${i.args}`);
      const options = Object.fromEntries([...m[1]!.matchAll(/--([\w-]+)=(\S+)/g)].map((o) => [o[1]!, o[2]!]));
      stage.healthcheck = { options, cmd: execForm(m[2]!, 'HEALTHCHECK CMD') };
    }
  }
  return stage;
}
