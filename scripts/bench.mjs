#!/usr/bin/env node
// `npm run bench`: benchmarks arrive with issue #8 (webhook ingest on workerd vs a bare verifier and twurple,
// the WebSocket path, and reconcile at scale). Until then this says so instead of printing made-up figures.
console.log('no benchmarks yet: they are issue #8 (see README "Status")');
