/** How much the tablet lets Waymark keep, and whether it will keep it. */
import { observable } from './observable.ts';

export interface StorageState {
  /** True once the browser promised not to clear Waymark's data under storage pressure. */
  persisted?: boolean;
  usage?: number;
  quota?: number;
}

/** Warn the mentor when this share of the allowance is used. */
export const NEARLY_FULL = 0.8;

export const storage = observable<StorageState>({});

export async function refreshStorage(): Promise<StorageState> {
  if (!navigator.storage) return storage.get();
  const [persisted, estimate] = await Promise.all([navigator.storage.persisted?.(), navigator.storage.estimate?.()]);
  storage.set({ persisted, usage: estimate?.usage, quota: estimate?.quota });
  return storage.get();
}

let asked = false;

/**
 * Asks once per visit for persistent storage, once there is something worth keeping. Chromium
 * decides without a prompt (installed apps and engaged sites are granted); Firefox may ask.
 */
export async function keepStorage(): Promise<void> {
  if (asked || !navigator.storage?.persist) return;
  asked = true;
  if (!(await navigator.storage.persisted())) await navigator.storage.persist();
  await refreshStorage();
}

export const nearlyFull = (s: StorageState): boolean => Boolean(s.usage && s.quota && s.usage / s.quota >= NEARLY_FULL);

export const megabytes = (bytes = 0): string =>
  `${(bytes / 1024 / 1024).toLocaleString('en-GB', { maximumFractionDigits: bytes < 10 * 1024 * 1024 ? 1 : 0 })} MB`;
