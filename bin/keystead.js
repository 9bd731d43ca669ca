#!/usr/bin/env node
// The `keystead` command: runs the TypeScript CLI with Node's type stripping (Node >= 22.18 / 24).
import('../src-main/cli/main.ts')
