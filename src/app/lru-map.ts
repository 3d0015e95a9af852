// The bounded LRU map is pure and lives in the domain (the MongoDB counter store uses it too).
export { LruMap } from '../domain/lru-map.js';
