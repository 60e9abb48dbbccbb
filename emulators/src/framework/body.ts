/**
 * Request-body parsing for emulators: JSON whatever the Content-Type (the Dataiku and Prevision clients send none),
 * and `application/x-www-form-urlencoded` with bracket nesting (`meta[hairColor]=Brown`, as Previsto's curl
 * examples send).
 */

/** A body that cannot be parsed; the framework answers it with the platform's error envelope. */
export class BodyError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
    this.name = 'BodyError';
  }
}

/** Parses a request body; an empty body is `undefined`. Throws {@link BodyError} (400) on malformed input. */
export function parseBody(raw: Buffer, contentType: string | undefined): unknown {
  if (raw.length === 0) return undefined;
  const text = raw.toString('utf8');
  if (contentType && contentType.toLowerCase().startsWith('application/x-www-form-urlencoded')) {
    return parseForm(text);
  }
  try {
    return JSON.parse(text) as unknown;
  } catch (e) {
    throw new BodyError(400, `Malformed JSON body: ${(e as Error).message}`);
  }
}

/**
 * Parses a urlencoded form into nested objects: `a=1&meta[k]=v&tags[]=x&tags[]=y` becomes
 * `{a: "1", meta: {k: "v"}, tags: ["x", "y"]}`.
 */
export function parseForm(text: string): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [rawKey, value] of new URLSearchParams(text)) {
    const m = /^([^[\]]+)((?:\[[^[\]]*\])*)$/.exec(rawKey);
    if (!m) {
      out[rawKey] = value;
      continue;
    }
    const path = [m[1]!, ...[...m[2]!.matchAll(/\[([^[\]]*)\]/g)].map((x) => x[1]!)];
    let node: Record<string, unknown> | unknown[] = out;
    for (let i = 0; i < path.length; i++) {
      const key = path[i]!;
      const last = i === path.length - 1;
      if (Array.isArray(node)) {
        if (last) node.push(value);
        else {
          const child = {};
          node.push(child);
          node = child;
        }
        continue;
      }
      if (last) {
        node[key] = value;
      } else {
        const nextIsArray = path[i + 1] === '';
        const existing = node[key];
        if (existing === undefined || typeof existing !== 'object' || existing === null) {
          node[key] = nextIsArray ? [] : {};
        }
        node = node[key] as Record<string, unknown> | unknown[];
      }
    }
  }
  return out;
}
