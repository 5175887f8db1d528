// Jest `globalTeardown`: stops the emulator global-setup.js started (Vitest needs no teardown
// file: it calls the function globalSetup returned).
export { teardown as default } from './global-setup.js';
