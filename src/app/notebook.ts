import { WaymarkDB } from '../data/index.ts';

/** The tablet's one database connection, shared by every screen. */
export const db = new WaymarkDB();
