/**
 * A non-secret name for a credential: the first 16 characters of its SHA-256 in base64url. Rate budgets, caches and
 * cross-operation batches are partitioned by it, so the credential itself never becomes a key, a Redis name or a
 * log field. The same few credentials come back on every operation: their names are remembered (at most 10,000,
 * forgotten all at once past that), so naming one costs a map lookup rather than a hash.
 */
import { createHash } from 'node:crypto';

const MAX_REMEMBERED = 10_000;
const remembered = new Map<string, string>();

export function credentialFingerprint(credential: string | undefined): string {
  const key = credential ?? '';
  let fp = remembered.get(key);
  if (fp === undefined) {
    fp = createHash('sha256').update(key).digest('base64url').slice(0, 16);
    if (remembered.size >= MAX_REMEMBERED) remembered.clear();
    remembered.set(key, fp);
  }
  return fp;
}
