// chime-local's test fixtures for Node: no dependencies (testcontainers lives in
// chime-local/testcontainers, so this entry point never loads it).
export { ChimeLocalControl, ChimeLocalClock, ChimeLocalError } from './control.js';
export { startChimeLocal, findBinary } from './start.js';
