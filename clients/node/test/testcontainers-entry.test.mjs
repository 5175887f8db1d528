// chime-local/testcontainers is a separate entry point: without the optional peer dependency it
// fails with what to install (the main entry point never loads it). The container itself is
// tested in docker/testcontainers (ctest container.image), where testcontainers is installed.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import { join } from 'node:path';

function resolvable() {
  try { createRequire(join(process.cwd(), 'package.json')).resolve('testcontainers'); return true; } catch { return false; }
}

test('without testcontainers the entry point says what to install', { skip: resolvable() && 'testcontainers is installed' }, async () => {
  await assert.rejects(import('chime-local/testcontainers'), /npm install --save-dev testcontainers/);
});
