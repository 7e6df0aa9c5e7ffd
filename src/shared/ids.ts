import { uuidv7 } from 'uuidv7';

/** A record id made on the device: unique across tablets, and sortable by the time it was made. */
export const newId = (): string => uuidv7();
