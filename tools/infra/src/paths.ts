import { existsSync } from 'node:fs';
import { homedir } from 'node:os';
import path from 'node:path';

/** The repository root: the nearest folder above this file holding nx.json. */
export const repoRoot = (() => {
  let dir = __dirname;
  while (!existsSync(path.join(dir, 'nx.json'))) {
    const parent = path.dirname(dir);
    if (parent === dir) throw new Error(`nx.json not found above ${__dirname}`);
    dir = parent;
  }
  return dir;
})();

/** Every data folder, log and lock of a local run lives under this one gitignored folder. */
export const fleetDir = process.env.FLEET_HOME ?? path.join(repoRoot, '.fleet');

/** Built tools (the Temporal CLI) are cached outside the checkout so fresh clones reuse them. */
export const toolsCacheDir =
  process.env.FLEET_TOOLS_DIR ?? path.join(process.env.XDG_CACHE_HOME ?? path.join(homedir(), '.cache'), 'fleet', 'tools');
