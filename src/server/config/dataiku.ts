/**
 * The Dataiku API node's endpoints (`AUGUR_DATAIKU_ENDPOINTS` or `AUGUR_DATAIKU_ENDPOINTS_FILE`): the node cannot list
 * them, so they are declared, with the inputs every call is checked against.
 */
import {
  DATAIKU_ENDPOINT_TYPES,
  DATAIKU_FEATURE_TYPES,
  type DataikuEndpointType,
  type DataikuFeatureType,
  type DataikuInputFeature,
} from '../../upstreams/dataiku/types.js';
import { ConfigError, str, type Env } from './env.js';

/** One declared endpoint of the Dataiku API node. */
export interface DataikuEndpointConfig {
  serviceId: string;
  endpointId: string;
  type: DataikuEndpointType;
  /** Declared inputs (features, columns, keys, parameters or arguments); Augur checks every call against them. */
  inputs: DataikuInputFeature[];
  /** Whether inputs that are not declared are sent on (default: only when none are declared). */
  acceptsUnknown: boolean;
}

/** Splits on commas outside parentheses. */
function splitTopLevel(raw: string): string[] {
  const out: string[] = [];
  let depth = 0;
  let current = '';
  for (const ch of raw) {
    if (ch === '(') depth++;
    if (ch === ')') depth--;
    if (ch === ',' && depth === 0) {
      out.push(current);
      current = '';
    } else current += ch;
  }
  out.push(current);
  return out.map((s) => s.trim()).filter(Boolean);
}

function featureType(raw: string, where: string): DataikuFeatureType {
  const type = raw.toUpperCase() as DataikuFeatureType;
  if (!DATAIKU_FEATURE_TYPES.includes(type)) {
    throw new ConfigError(`${where} has unknown input type "${raw}"; expected one of ${DATAIKU_FEATURE_TYPES.join(', ')}.`);
  }
  return type;
}

function endpointEntry(
  out: DataikuEndpointConfig[],
  entry: { serviceId: string; endpointId: string; type: string; inputs: DataikuInputFeature[]; acceptsUnknown: boolean | undefined },
  where: string,
): void {
  const type = entry.type as DataikuEndpointType;
  if (!DATAIKU_ENDPOINT_TYPES.includes(type)) {
    throw new ConfigError(`${where} has unknown type ${entry.type}; expected one of ${DATAIKU_ENDPOINT_TYPES.join(', ')}.`);
  }
  if (out.some((e) => e.serviceId === entry.serviceId && e.endpointId === entry.endpointId)) {
    throw new ConfigError(`${where}: "${entry.serviceId}/${entry.endpointId}" is listed twice.`);
  }
  const names = new Set<string>();
  for (const input of entry.inputs) {
    if (names.has(input.name)) throw new ConfigError(`${where} declares the input "${input.name}" twice.`);
    names.add(input.name);
  }
  out.push({
    serviceId: entry.serviceId,
    endpointId: entry.endpointId,
    type,
    inputs: entry.inputs,
    acceptsUnknown: entry.acceptsUnknown ?? entry.inputs.length === 0,
  });
}

/**
 * Parses `AUGUR_DATAIKU_ENDPOINTS`: a comma-separated list of `service/endpoint:TYPE`, each optionally followed by
 * its inputs in parentheses, `name:TYPE` with `!` for a required one and `*` to let undeclared inputs through, e.g.
 * `fraud/score:PREDICTION(age:NUMBER!,city:STRING),fraud/sales:FORECAST`. An endpoint without inputs accepts any;
 * `()` declares none and accepts none.
 */
export function parseDataikuEndpoints(raw: string, name = 'AUGUR_DATAIKU_ENDPOINTS'): DataikuEndpointConfig[] {
  const out: DataikuEndpointConfig[] = [];
  for (const item of splitTopLevel(raw)) {
    const m = /^([^/\s:()]+)\/([^/\s:()]+):([A-Z_]+)(?:\((.*)\))?$/s.exec(item);
    if (!m) {
      throw new ConfigError(
        `${name} entries must look like "service/endpoint:TYPE" or "service/endpoint:TYPE(input:TYPE!,…)", got "${item}".`,
      );
    }
    const where = `${name} entry "${m[1]}/${m[2]}"`;
    const inputs: DataikuInputFeature[] = [];
    let acceptsUnknown: boolean | undefined = m[4] === undefined ? undefined : false;
    for (const part of (m[4] ?? '')
      .split(',')
      .map((s) => s.trim())
      .filter(Boolean)) {
      if (part === '*') {
        acceptsUnknown = true;
        continue;
      }
      const f = /^([^:\s!]+):([A-Za-z_]+)(!?)$/.exec(part);
      if (!f) throw new ConfigError(`${where}: inputs must look like "name:TYPE" or "name:TYPE!" (required), or "*", got "${part}".`);
      inputs.push({ name: f[1]!, type: featureType(f[2]!, where), required: f[3] === '!' });
    }
    endpointEntry(out, { serviceId: m[1]!, endpointId: m[2]!, type: m[3]!, inputs, acceptsUnknown }, where);
  }
  if (out.length === 0) throw new ConfigError(`${name} is set but lists no endpoints.`);
  return out;
}

/**
 * Parses the JSON of `AUGUR_DATAIKU_ENDPOINTS_FILE`: `{"endpoints": [{"service", "endpoint", "type", "inputs": [{"name",
 * "type", "required"}], "acceptUnknownInputs"}]}` (`inputs` and `acceptUnknownInputs` optional, as in the inline form).
 */
export function parseDataikuEndpointsFile(text: string, name = 'AUGUR_DATAIKU_ENDPOINTS_FILE'): DataikuEndpointConfig[] {
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (e) {
    throw new ConfigError(`${name} is not valid JSON: ${(e as Error).message}.`);
  }
  const list = (doc as { endpoints?: unknown } | null)?.endpoints;
  if (!Array.isArray(list) || list.length === 0)
    throw new ConfigError(`${name} must hold {"endpoints": [...]} with at least one endpoint.`);
  const out: DataikuEndpointConfig[] = [];
  list.forEach((raw: unknown, i) => {
    const e = (raw ?? {}) as Record<string, unknown>;
    const where = `${name} endpoints[${i}]`;
    for (const key of ['service', 'endpoint', 'type']) {
      if (typeof e[key] !== 'string' || !e[key]) throw new ConfigError(`${where} needs "${key}" as a non-empty string.`);
    }
    if (e['inputs'] !== undefined && !Array.isArray(e['inputs'])) throw new ConfigError(`${where}: "inputs" must be an array.`);
    const inputs = ((e['inputs'] as unknown[] | undefined) ?? []).map((rawInput, j): DataikuInputFeature => {
      const f = (rawInput ?? {}) as Record<string, unknown>;
      if (typeof f['name'] !== 'string' || !f['name']) throw new ConfigError(`${where}.inputs[${j}] needs "name" as a non-empty string.`);
      if (typeof f['type'] !== 'string') throw new ConfigError(`${where}.inputs[${j}] needs "type" (${DATAIKU_FEATURE_TYPES.join(', ')}).`);
      if (f['required'] !== undefined && typeof f['required'] !== 'boolean')
        throw new ConfigError(`${where}.inputs[${j}].required must be a boolean.`);
      return { name: f['name'], type: featureType(f['type'], `${where}.inputs[${j}]`), required: f['required'] === true };
    });
    const accept = e['acceptUnknownInputs'];
    if (accept !== undefined && typeof accept !== 'boolean') throw new ConfigError(`${where}: "acceptUnknownInputs" must be a boolean.`);
    endpointEntry(
      out,
      { serviceId: e['service'] as string, endpointId: e['endpoint'] as string, type: e['type'] as string, inputs, acceptsUnknown: accept },
      where,
    );
  });
  return out;
}

/** The Dataiku endpoints from `AUGUR_DATAIKU_ENDPOINTS` or `AUGUR_DATAIKU_ENDPOINTS_FILE` (not both). */
export function dataikuEndpoints(env: Env, readFile: (path: string) => string): DataikuEndpointConfig[] | undefined {
  const inline = str(env, 'AUGUR_DATAIKU_ENDPOINTS');
  const file = str(env, 'AUGUR_DATAIKU_ENDPOINTS_FILE');
  if (inline !== undefined && file !== undefined) {
    throw new ConfigError('Set AUGUR_DATAIKU_ENDPOINTS or AUGUR_DATAIKU_ENDPOINTS_FILE, not both.');
  }
  if (inline !== undefined) return parseDataikuEndpoints(inline);
  if (file === undefined) return undefined;
  let text: string;
  try {
    text = readFile(file);
  } catch (e) {
    throw new ConfigError(`AUGUR_DATAIKU_ENDPOINTS_FILE names "${file}", which cannot be read: ${(e as Error).message}.`);
  }
  return parseDataikuEndpointsFile(text);
}
