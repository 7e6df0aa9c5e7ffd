// Unit tests run on fake-indexeddb: a complete IndexedDB in memory, so Dexie behaves as on a tablet.
import 'fake-indexeddb/auto';
