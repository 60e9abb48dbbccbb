#!/usr/bin/env node
/**
 * `npm run lint`: the layer rules (dependency-cruiser), the code style (Prettier) and typescript-eslint, run side by
 * side (ESLint's type-aware pass takes most of the time). Each one's output is printed whole once it ends; the
 * command fails when any of them fails. Prettier and ESLint keep caches in node_modules/.cache, so a rerun checks only
 * what changed; ESLint's cache does not see type changes in other files, which a fresh clone (CI) always checks in full.
 */
import { spawn } from 'node:child_process';

const CHECKS = [
  ['dependency-cruiser', ['depcruise', 'src', 'emulators/src', '--config', '.dependency-cruiser.cjs', '--output-type', 'err']],
  ['prettier', ['prettier', '--check', '--cache', '--log-level', 'warn', '.']],
  ['eslint', ['eslint', '--cache', '--cache-location', 'node_modules/.cache/eslint/', '.']],
];

const run = ([name, args]) =>
  new Promise((resolve) => {
    const child = spawn('npx', ['--no-install', ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (c) => (output += c));
    child.stderr.on('data', (c) => (output += c));
    child.on('close', (code) => {
      process.stdout.write(`${name}: ${code === 0 ? 'ok' : `failed (exit ${code})`}\n${output.trim() ? `${output.trim()}\n` : ''}`);
      resolve(code === 0);
    });
  });

const results = await Promise.all(CHECKS.map(run));
process.exitCode = results.every(Boolean) ? 0 : 1;
