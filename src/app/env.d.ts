/** The build's identity, set by vite.config.ts. */
declare const __WAYMARK_BUILD__: string;
