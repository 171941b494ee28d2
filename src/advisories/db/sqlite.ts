import type Database from 'better-sqlite3';
import { lazyRequire } from '../../core/lazy.js';

/** better-sqlite3, loaded when the advisory database is first opened. */
export const sqlite: () => typeof Database = lazyRequire<typeof Database>('better-sqlite3');
