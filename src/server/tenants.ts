/**
 * Tenants and their upstream credentials, from `AUGUR_TENANT_<ID>_<PLATFORM KEY>` variables and the secrets file
 * `AUGUR_TENANTS_FILE` (JSON or YAML). The file is read again on `reload()` (main.ts calls it on SIGHUP) and when it
 * changes; a file that no longer parses is logged and the tenants already known are kept. Keys are never logged.
 */
import { watch, type FSWatcher } from 'node:fs';
import { basename, dirname } from 'node:path';
import { readTenantsFile, type AuthConfig, type TenantCredentials } from './config/auth.js';
import type { Logger } from '../core/logger.js';

export class TenantDirectory {
  private tenants = new Map<string, TenantCredentials>();
  private watcher: FSWatcher | undefined;
  private debounce: NodeJS.Timeout | undefined;

  constructor(
    private readonly config: Pick<AuthConfig, 'tenantsFile' | 'envTenants'>,
    private readonly logger: Logger,
    private readonly readFile: (path: string) => string,
    /** Called with every secret read, so logs redact it. */
    private readonly onSecret: (secret: string) => void = () => {},
  ) {
    this.load();
  }

  /** Whether any tenant is configured (then callers with tokens must name one). */
  get enabled(): boolean {
    return this.config.tenantsFile !== undefined || Object.keys(this.config.envTenants).length > 0;
  }

  get size(): number {
    return this.tenants.size;
  }

  /** A tenant's credentials, or undefined for an unknown tenant. */
  get(id: string): TenantCredentials | undefined {
    return this.tenants.get(id);
  }

  /** Reads the file again; answers whether it succeeded (on failure the tenants already known stay in force). */
  reload(reason: string): boolean {
    try {
      this.load();
      this.logger.info({ event: 'tenants_reloaded', reason, tenants: this.tenants.size }, `tenants reloaded (${reason})`);
      return true;
    } catch (err) {
      this.logger.error(
        { event: 'tenants_reload_failed', reason, err: (err as Error).message, tenants: this.tenants.size },
        'tenants file not reloaded; keeping the tenants already known',
      );
      return false;
    }
  }

  /** Watches the file's directory (editors and secret mounts replace files rather than write them in place). */
  watch(): void {
    const file = this.config.tenantsFile;
    if (!file || this.watcher) return;
    try {
      this.watcher = watch(dirname(file), { persistent: false }, (_event, name) => {
        if (name !== null && name !== basename(file) && !String(name).startsWith('..')) return;
        clearTimeout(this.debounce);
        this.debounce = setTimeout(() => this.reload('file changed'), 100);
        this.debounce.unref();
      });
    } catch (err) {
      this.logger.warn({ event: 'tenants_watch_failed', err: (err as Error).message }, 'tenants file not watched; reload with SIGHUP');
    }
  }

  close(): void {
    clearTimeout(this.debounce);
    this.watcher?.close();
    this.watcher = undefined;
  }

  private load(): void {
    const fromFile = this.config.tenantsFile ? readTenantsFile(this.config.tenantsFile, this.readFile) : {};
    const next = new Map<string, TenantCredentials>();
    for (const [id, creds] of Object.entries(this.config.envTenants)) next.set(id, { ...creds });
    // The file wins over the environment, platform by platform: it is what an operator can change without a restart.
    for (const [id, creds] of Object.entries(fromFile)) next.set(id, { ...next.get(id), ...creds });
    for (const creds of next.values()) for (const key of Object.values(creds)) if (key) this.onSecret(key);
    this.tenants = next;
  }
}
